package dev.tsj.deploy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pod manifests for the tests, shaped like deploy/kubernetes's (the same container
 * settings), but with what a test needs instead of cluster objects: the auth key as a
 * plain value, state in a hostPath directory, the tsj image built here.
 */
final class PodYaml {
    private PodYaml() {}

    enum Mode { USERSPACE, TUN }

    static String env(Map<String, String> env) {
        StringBuilder b = new StringBuilder("    env:\n");
        env.forEach((k, v) -> b.append("    - name: ").append(k).append("\n      value: \"").append(v).append("\"\n"));
        return b.toString();
    }

    /**
     * The tsj container: unprivileged uid 1000 in userspace mode, root with NET_ADMIN and
     * /dev/net/tun in TUN mode; a read-only root filesystem either way, with emptyDir
     * volumes for /tmp (the JVM's native libraries) and /var/run/tsj (the sockets).
     */
    static String tsjContainer(Mode mode, Map<String, String> settings) {
        return tsjContainer(mode, settings, Map.of("state", "/var/lib/tsj"));
    }

    /** With {@code mounts}: volume name to mount path, besides /tmp, /var/run/tsj and the TUN device. */
    static String tsjContainer(Mode mode, Map<String, String> settings, Map<String, String> mounts) {
        Map<String, String> env = new LinkedHashMap<>(settings);
        env.put("TSJ_USERSPACE", mode == Mode.USERSPACE ? "true" : "false");
        env.put("TSJ_HEALTH_ADDR", "127.0.0.1:9002");
        String security = mode == Mode.USERSPACE
                ? """
                    securityContext:
                      runAsUser: 1000
                      runAsGroup: 1000
                      runAsNonRoot: true
                      allowPrivilegeEscalation: false
                      readOnlyRootFilesystem: true
                      capabilities:
                        drop: ["ALL"]
                """
                : """
                    securityContext:
                      runAsUser: 0
                      readOnlyRootFilesystem: true
                      capabilities:
                        add: ["NET_ADMIN"]
                """;
        StringBuilder m = new StringBuilder("    volumeMounts:\n");
        mounts.forEach((name, path) -> m.append("    - name: ").append(name).append("\n      mountPath: ").append(path).append('\n'));
        m.append("    - name: tmp\n      mountPath: /tmp\n    - name: run\n      mountPath: /var/run/tsj\n");
        if (mode == Mode.TUN) {
            m.append("    - name: tun\n      mountPath: /dev/net/tun\n");
        }
        return "  - name: tsj\n    image: " + Image.TAG + "\n" + env(env) + security + m;
    }

    static String volumes(Mode mode, Path state, Map<String, Path> more) {
        Map<String, Path> dirs = new LinkedHashMap<>(more);
        dirs.put("state", state);
        return volumes(mode, dirs);
    }

    /** emptyDir /tmp and /var/run/tsj, the TUN device in TUN mode, and {@code dirs} as hostPath directories. */
    static String volumes(Mode mode, Map<String, Path> dirs) {
        StringBuilder b = new StringBuilder("  volumes:\n");
        b.append("  - name: tmp\n    emptyDir: {}\n  - name: run\n    emptyDir: {}\n");
        if (mode == Mode.TUN) {
            b.append("  - name: tun\n    hostPath:\n      path: /dev/net/tun\n      type: CharDevice\n");
        }
        dirs.forEach((name, path) -> b.append("  - name: ").append(name).append("\n    hostPath:\n      path: ").append(path)
                .append("\n      type: Directory\n"));
        return b.toString();
    }

    static String pod(String name, String containers, String volumes) {
        return pod(name, "", containers, volumes);
    }

    static String pod(String name, String initContainers, String containers, String volumes) {
        // podman 4.3 removes a "once" init container after it ran and can race with its exit
        // ("cannot remove container ... as it is running"): keep it instead.
        String annotations = initContainers.isEmpty() ? ""
                : "  annotations:\n    io.podman.annotations.init.container.type: always\n";
        return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "\n" + annotations + "spec:\n  restartPolicy: Always\n"
                + (initContainers.isEmpty() ? "" : "  initContainers:\n" + initContainers) + "  containers:\n"
                + containers + volumes;
    }

    /** As deploy/kubernetes/proxy.yaml: a privileged init container turns on forwarding in the pod's network namespace. */
    static String forwardingInit() {
        return """
                  - name: sysctl
                    image: %s
                    command: ["/bin/sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"]
                    securityContext:
                      privileged: true
                      runAsUser: 0
                """.formatted(Image.TAG);
    }

    /** An application container: serves /srv on port 8080, and carries the test's Fetch client in /app. */
    static String appContainer() {
        return """
                  - name: app
                    image: %s
                    command: ["/opt/tsj/jre/bin/java", "-Xmx32m", "-m", "jdk.httpserver", "-b", "0.0.0.0", "-p", "8080", "-d", "/srv"]
                    volumeMounts:
                    - name: page
                      mountPath: /srv
                      readOnly: true
                    - name: classes
                      mountPath: /app
                      readOnly: true
                """.formatted(Image.TAG);
    }
}
