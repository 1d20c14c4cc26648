package dev.tsj.bench.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A userspace WireGuard implementation the harness can start in a namespace. */
sealed interface Implementation {
    /** Short name for the table. */
    String label();

    /** The command that runs it in the foreground as interface {@code ifname} on UDP {@code port}. */
    List<String> command(String ifname, int port);

    /** Extra environment for that command. */
    default java.util.Map<String, String> environment() {
        return java.util.Map.of();
    }

    /**
     * tsjd through the launcher, so it runs with the launcher's server JVM flags; a variant
     * ({@code name} other than "tsj") adds JVM options through TSJ_JAVA_OPTS, so two builds
     * of an idea can alternate in one run.
     */
    record Tsj(Path launcher, List<String> extraArgs, String name, String javaOpts) implements Implementation {
        @Override
        public String label() {
            return extraArgs.isEmpty() ? name : name + String.join("", extraArgs).replace("--", "+");
        }

        @Override
        public java.util.Map<String, String> environment() {
            return javaOpts.isEmpty() ? java.util.Map.of() : java.util.Map.of("TSJ_JAVA_OPTS", javaOpts);
        }

        @Override
        public List<String> command(String ifname, int port) {
            // Its own LocalAPI socket and no state file: the two ends share one filesystem.
            List<String> c = new ArrayList<>(List.of(launcher.toString(), "daemon", "--tun", ifname, "--port", Integer.toString(port),
                    "--socket", "/tmp/tsj-e2e/tsjd-" + ifname + ".sock", "--state", "mem:"));
            c.addAll(extraArgs);
            return c;
        }
    }

    /** wireguard-go (Debian's, or any build given by path); it takes its port from {@code wg set}. */
    record WireguardGo(Path binary, String label) implements Implementation {
        @Override
        public List<String> command(String ifname, int port) {
            return List.of(binary.toString(), "-f", ifname);
        }
    }
}
