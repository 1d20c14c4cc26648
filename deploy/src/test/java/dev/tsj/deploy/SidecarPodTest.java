package dev.tsj.deploy;

import static org.junit.jupiter.api.Assertions.*;

import dev.tsj.deploy.PodYaml.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar, as deploy/kubernetes/sidecar.yaml (userspace) and sidecar-tun.yaml run it,
 * under `podman kube play`: an application container serving a page, and the tsj image
 * with containerboot, state in a directory volume. A tailnet node fetches the app's page
 * at the sidecar's tailnet address; the app fetches a page on that node (in userspace mode
 * through the sidecar's SOCKS5 proxy); the pod is deleted and played again and comes back
 * with the same tailnet IP.
 */
@Timeout(600)
class SidecarPodTest {
    @TempDir
    static Path work;
    private static Tailnet net;
    private static String clientIp;
    private static final List<Path> played = new ArrayList<>();

    @BeforeAll
    static void topology() throws Exception {
        Requirements.require();
        Image.build();
        net = Tailnet.start(work);
        clientIp = net.ipv4Of("client");
        net.serve(Tailnet.CLI, Pods.page(work.resolve("client-page"), "a page on the tailnet client"), 8000, "0.0.0.0");
    }

    @AfterAll
    static void cleanUp() {
        played.forEach(Podman::down);
        if (net != null) {
            net.close();
        }
    }

    @Test
    void userspaceSidecarServesTheAppAndReachesTheTailnetThroughSocks5() throws Exception {
        sidecar(Mode.USERSPACE, "k8side-us", "k8pus", "198.18.70.31");
    }

    @Test
    void tunSidecarServesTheAppAndReachesTheTailnet() throws Exception {
        sidecar(Mode.TUN, "k8side-tun", "k8ptun", "198.18.70.32");
    }

    @Test
    void anEphemeralSidecarLogsOutWhenItStops() throws Exception {
        String pod = "k8side-eph";
        String key = net.newAuthKey("--ephemeral");
        Path yaml = Files.writeString(work.resolve("eph.yaml"), PodYaml.pod(pod, PodYaml.tsjContainer(Mode.TUN,
                Map.of("TSJ_AUTH_KEY", key, "TSJ_LOGIN_SERVER", Tailnet.SERVER, "TSJ_HOSTNAME", "eph-sidecar",
                        "TSJ_STATE", "mem:"), Map.of()), PodYaml.volumes(Mode.TUN, Map.of())));
        played.add(yaml);
        Pods.playAndWait(net, pod, yaml, "k8peph", "198.18.70.38");
        assertTrue(net.nodesJson().contains("\"eph-sidecar\""), net.nodesJson());

        Podman.must("stop", "-t", "30", pod + "-tsj");
        String log = Podman.logs(pod + "-tsj");
        assertTrue(log.contains("containerboot: ephemeral node logged out"), log);
        assertTrue(log.contains("tsjd stopped"), "SIGTERM reached the daemon: " + log);
        assertFalse(net.nodesJson().contains("\"eph-sidecar\""), "the server forgot the node: " + net.nodesJson());
        Podman.down(yaml);
    }

    private void sidecar(Mode mode, String pod, String link, String podIp) throws Exception {
        Path dir = work.resolve(pod);
        Path state = Pods.stateDir(dir.resolve("state"), mode == Mode.USERSPACE ? 1000 : 0);
        Path page = Pods.page(dir.resolve("page"), "hello from the app in " + pod);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("TSJ_AUTH_KEY", net.authKey);
        settings.put("TSJ_LOGIN_SERVER", Tailnet.SERVER);
        settings.put("TSJ_HOSTNAME", pod);
        settings.put("TSJ_STATE", "/var/lib/tsj");
        if (mode == Mode.USERSPACE) {
            settings.put("TSJ_SOCKS5_SERVER", "127.0.0.1:1055");
            settings.put("TSJ_OUTBOUND_HTTP_PROXY_LISTEN", "127.0.0.1:1056");
        }
        String yamlText = PodYaml.pod(pod, PodYaml.appContainer() + PodYaml.tsjContainer(mode, settings),
                PodYaml.volumes(mode, state, Map.of("page", page, "classes", Pods.testClasses())));
        Path yaml = Files.writeString(dir.resolve("pod.yaml"), yamlText);
        played.add(yaml);

        Pods.playAndWait(net, pod, yaml, link, podIp);
        String ip = Pods.tailnetIp(pod);
        assertTrue(ip.startsWith("100."), ip);
        assertEquals(ip, net.ipv4Of(pod), "the control server and the sidecar agree");

        String body = net.fetchFromClient("http://" + ip + ":8080/", Duration.ofSeconds(60));
        assertTrue(body.contains("hello from the app in " + pod), body);

        List<String> fetch = new ArrayList<>(List.of("exec", pod + "-app", "/opt/tsj/jre/bin/java", "-Xmx32m"));
        if (mode == Mode.USERSPACE) {
            fetch.addAll(List.of("-DsocksProxyHost=127.0.0.1", "-DsocksProxyPort=1055", "-DsocksProxyVersion=5"));
        }
        fetch.addAll(List.of("-cp", "/app", "dev.tsj.deploy.app.Fetch", "http://" + clientIp + ":8000/"));
        String fromApp = Podman.must(fetch.toArray(String[]::new));
        assertTrue(fromApp.contains("a page on the tailnet client"), fromApp);

        Podman.down(yaml);
        assertTrue(Files.exists(state.resolve("tsjd.state")), "the state survives the pod in its volume");
        Pods.playAndWait(net, pod, yaml, link, podIp);
        assertEquals(ip, Pods.tailnetIp(pod), "the same node, with the same tailnet IP, after the pod came back");
        body = net.fetchFromClient("http://" + ip + ":8080/", Duration.ofSeconds(60));
        assertTrue(body.contains("hello from the app in " + pod), body);
        Podman.down(yaml);
    }
}
