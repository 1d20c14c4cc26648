package dev.tsj.deploy;

import static org.junit.jupiter.api.Assertions.*;

import dev.tsj.deploy.PodYaml.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The subnet router (deploy/kubernetes/subnet-router.yaml): a pod advertising the range
 * behind it (here 203.0.113.0/24 in namespace k8-svc, standing in for the cluster's
 * pod/service ranges), routes approved with the admin command, and a tailnet client
 * accepting routes reaches a server in that range.
 */
@Timeout(600)
class SubnetRouterPodTest {
    static final String ROUTE = "203.0.113.0/24";
    static final String SERVER_IP = "203.0.113.10";
    @TempDir
    static Path work;
    private static Tailnet net;
    private Path yaml;

    @BeforeAll
    static void topology() throws Exception {
        Requirements.require();
        Image.build();
        net = Tailnet.start(work);
        Sh.must("ip", "netns", "add", "k8-svc");
        Sh.must("ip", "-n", "k8-svc", "link", "set", "lo", "up");
        net.serve("k8-svc", Pods.page(work.resolve("svc-page"), "a server in the advertised range"), 8000, "0.0.0.0");
    }

    @AfterEach
    void down() {
        if (yaml != null) {
            Podman.down(yaml);
        }
    }

    @AfterAll
    static void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void userspaceRouterCarriesTheClientToTheAdvertisedRange() throws Exception {
        router(Mode.USERSPACE, "router-us", "k8prus", "198.18.70.35");
    }

    @Test
    void tunRouterCarriesTheClientToTheAdvertisedRange() throws Exception {
        router(Mode.TUN, "router-tun", "k8prtun", "198.18.70.36");
    }

    private void router(Mode mode, String name, String link, String podIp) throws Exception {
        String pod = "k8" + name;
        Path state = Pods.stateDir(work.resolve(name + "-state"), mode == Mode.USERSPACE ? 1000 : 0);
        String tsj = PodYaml.tsjContainer(mode, Map.of("TSJ_AUTH_KEY", net.authKey, "TSJ_LOGIN_SERVER", Tailnet.SERVER,
                "TSJ_HOSTNAME", name, "TSJ_STATE", "/var/lib/tsj", "TSJ_ROUTES", ROUTE));
        yaml = Files.writeString(work.resolve(name + ".yaml"), PodYaml.pod(pod,
                mode == Mode.TUN ? PodYaml.forwardingInit() : "", tsj, PodYaml.volumes(mode, state, Map.of())));
        Podman.play(yaml);
        net.attachPod(pod, link, podIp);
        net.linkPodToSubnet(pod, "k8sr" + (mode == Mode.TUN ? "t" : "u"), "eth1", "203.0.113.1", "k8-svc", SERVER_IP);
        Tailnet.waitFor("the router pod", Duration.ofSeconds(120), () -> Pods.healthy(pod), () -> Podman.logs(pod + "-tsj"));

        String listed = net.admin("routes", "list");
        assertTrue(listed.contains(ROUTE), "advertised: " + listed);
        net.admin("routes", "approve", name, ROUTE);
        String body = net.fetchFromClient("http://" + SERVER_IP + ":8000/", Duration.ofSeconds(60));
        assertTrue(body.contains("a server in the advertised range"), body);
    }
}
