package dev.tsj.deploy;

import static org.junit.jupiter.api.Assertions.*;

import dev.tsj.deploy.PodYaml.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy pod (deploy/kubernetes/proxy.yaml): tsj in TUN mode with TSJ_DEST_IP forwards
 * everything a tailnet node sends to the pod's tailnet address on to one IP (a ClusterIP
 * in a cluster; here a server in namespace k8-svc, 203.0.113.10, behind the pod's eth1),
 * and takes its nftables rules away when it stops.
 */
@Timeout(600)
class ProxyPodTest {
    static final String POD = "k8proxy";
    static final String SERVICE_IP = "203.0.113.10";
    @TempDir
    static Path work;
    private static Tailnet net;
    private static Path yaml;

    @BeforeAll
    static void topology() throws Exception {
        Requirements.require();
        Image.build();
        Sh.run("ip", "netns", "del", "k8-pxns");
        net = Tailnet.start(work);
        Sh.must("ip", "netns", "add", "k8-svc");
        Sh.must("ip", "-n", "k8-svc", "link", "set", "lo", "up");
        net.serve("k8-svc", Pods.page(work.resolve("svc-page"), "the service behind the proxy"), 8000, "0.0.0.0");
    }

    @AfterAll
    static void cleanUp() {
        Sh.run("ip", "netns", "del", "k8-pxns");
        if (yaml != null) {
            Podman.down(yaml);
        }
        if (net != null) {
            net.close();
        }
    }

    @Test
    void tailnetTrafficForThePodsAddressReachesTheDestinationAndTheRulesGoWithTsj() throws Exception {
        Path state = Pods.stateDir(work.resolve("state"), 0);
        String tsj = PodYaml.tsjContainer(Mode.TUN, Map.of("TSJ_AUTH_KEY", net.authKey, "TSJ_LOGIN_SERVER", Tailnet.SERVER,
                "TSJ_HOSTNAME", "proxy", "TSJ_STATE", "/var/lib/tsj", "TSJ_DEST_IP", SERVICE_IP));
        yaml = Files.writeString(work.resolve("proxy.yaml"),
                PodYaml.pod(POD, PodYaml.forwardingInit(), tsj, PodYaml.volumes(Mode.TUN, state, Map.of())));
        Podman.play(yaml);
        net.attachPod(POD, "k8ppx", "198.18.70.33");
        net.linkPodToSubnet(POD, "k8svc", "eth1", "203.0.113.1", "k8-svc", SERVICE_IP);
        Tailnet.waitFor("the proxy pod", Duration.ofSeconds(120), () -> Pods.healthy(POD), () -> Podman.logs(POD + "-tsj"));
        String ip = Pods.tailnetIp(POD);

        String body = net.fetchFromClient("http://" + ip + ":8000/", Duration.ofSeconds(60));
        assertTrue(body.contains("the service behind the proxy"), body);

        // a name for the pod's network namespace, which outlives the pod once its last container stops
        Sh.must("ip", "netns", "attach", "k8-pxns", Integer.toString(Podman.infraPid(POD)));
        String[] inPod = {"ip", "netns", "exec", "k8-pxns"};
        String rules = Sh.must(Tailnet.cat(inPod, "nft", "list", "table", "ip", "tsj-containerboot"));
        assertTrue(rules.contains("ip daddr " + ip + " dnat to " + SERVICE_IP), rules);

        Podman.must("stop", "-t", "30", POD + "-tsj");
        String tables = Sh.must(Tailnet.cat(inPod, "nft", "list", "tables"));
        assertFalse(tables.contains("tsj-containerboot"), "containerboot removed its table on SIGTERM: " + tables);
        assertTrue(Podman.logs(POD + "-tsj").contains("containerboot: stopping"), Podman.logs(POD + "-tsj"));
        assertFalse(Sh.run(20, Sh.inNetns(Tailnet.CLI, List.of("curl", "-sS", "-m", "3", "http://" + ip + ":8000/"))).ok(),
                "nothing answers once tsj is gone");
    }
}
