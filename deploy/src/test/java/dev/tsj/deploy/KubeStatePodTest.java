package dev.tsj.deploy;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tsj.deploy.PodYaml.Mode;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * State in a Secret, end to end: the pod has what a kubelet gives it (a service account
 * token, the cluster CA and namespace mounted at the usual path; KUBERNETES_SERVICE_HOST
 * and _PORT), the "API server" is the daemon module's HTTPS double of it
 * (FakeKubeApiMain, in namespace k8-ctl: no real one can run here). With no TSJ_STATE,
 * containerboot keeps the node in the Secret "tsj"; the pod registers with a single-use
 * key, is deleted and played again, and comes back as the same node with the same IP,
 * which the key alone (spent) could not do.
 */
@Timeout(600)
class KubeStatePodTest {
    static final String POD = "k8kube";
    static final String API = Tailnet.CTL_IP + ":6443";
    static final String SA_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";
    @TempDir
    static Path work;
    private static Tailnet net;
    private static Path sa;
    private static Path yaml;

    @BeforeAll
    static void topology() throws Exception {
        Requirements.require();
        Image.build();
        net = Tailnet.start(work);
        sa = work.resolve("serviceaccount");
        String cp = System.getProperty("java.class.path") + File.pathSeparator
                + TsjJar.repo().resolve("daemon/target/test-classes");
        net.startProcess("kube-api.log", Sh.inNetns(Tailnet.CTL, List.of(TsjJar.java(), "-Xmx64m", "-cp", cp,
                "dev.tsj.daemon.node.kube.FakeKubeApiMain", Tailnet.CTL_IP, "6443", sa.toString())));
        net.waitFor("the Kubernetes API double", Duration.ofSeconds(60), () -> net.log("kube-api.log").contains("ready"),
                "kube-api.log");
        Sh.must("chmod", "-R", "a+rX", sa.toString());
    }

    @AfterAll
    static void cleanUp() {
        if (yaml != null) {
            Podman.down(yaml);
        }
        if (net != null) {
            net.close();
        }
    }

    @Test
    void theNodeComesBackFromItsSecretAfterThePodIsDeleted() throws Exception {
        String singleUse = net.newAuthKey();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KUBERNETES_SERVICE_HOST", Tailnet.CTL_IP);
        env.put("KUBERNETES_SERVICE_PORT", "6443");
        env.put("TSJ_AUTH_KEY", singleUse);
        env.put("TSJ_AUTH_ONCE", "true");
        env.put("TSJ_LOGIN_SERVER", Tailnet.SERVER);
        env.put("TSJ_HOSTNAME", "kube-state");
        yaml = Files.writeString(work.resolve("pod.yaml"), PodYaml.pod(POD,
                PodYaml.tsjContainer(Mode.TUN, env, Map.of("serviceaccount", SA_MOUNT)),
                PodYaml.volumes(Mode.TUN, Map.of("serviceaccount", sa))));
        Pods.playAndWait(net, POD, yaml, "k8pks", "198.18.70.37");
        String ip = Pods.tailnetIp(POD);

        JsonNode data = secret().path("data");
        assertEquals("[\"" + ip + "\",", decode(data, "device_ips").substring(0, ip.length() + 4), data.toString());
        assertTrue(decode(data, "device_fqdn").startsWith("kube-state"), data.toString());
        assertTrue(decode(data, "tsj-state").contains("\"machineKey\""), "the node's state is in the Secret");
        String log = Podman.logs(POD + "-tsj");
        assertTrue(log.contains("state kube:tsj"), log);
        assertFalse(log.contains(Files.readString(sa.resolve("token")).strip()), "the token never appears in the log");

        Podman.down(yaml);
        Pods.playAndWait(net, POD, yaml, "k8pks", "198.18.70.37");
        assertEquals(ip, Pods.tailnetIp(POD), "the same node from the Secret, though its single-use key is spent");
    }

    /** The Secret as the API double holds it, read over HTTPS with the pod's credentials. */
    private static JsonNode secret() throws Exception {
        String token = Files.readString(sa.resolve("token")).strip();
        String out = Sh.must(Sh.inNetns(Tailnet.CTL, List.of("curl", "-sS", "--cacert", sa.resolve("ca.crt").toString(),
                "-H", "Authorization: Bearer " + token, "https://" + API + "/api/v1/namespaces/tsj-test/secrets/tsj"))
                .toArray(String[]::new));
        return Tailnet.JSON.readTree(out);
    }

    private static String decode(JsonNode data, String key) {
        assertTrue(data.has(key), "no " + key + " in " + data);
        return new String(Base64.getDecoder().decode(data.get(key).asText()), StandardCharsets.UTF_8);
    }
}
