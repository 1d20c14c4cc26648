package dev.tsj.cli.containerboot;

import dev.tsj.daemon.node.kube.KubeEnvironment;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** What containerboot checks about the container it runs in, behind an interface for tests. */
interface Host {
    /** /dev/net/tun, which TUN mode opens. */
    boolean tunDevice();

    /** A pod with a service account token mounted (so kube: state can work). */
    boolean kubernetes(Map<String, String> env);

    /** Why forwarding for the family cannot be on, or null when it is or can be turned on. */
    String forwardingProblem(boolean ipv6);

    boolean onPath(String exe);

    static Host real() {
        return new Host() {
            @Override
            public boolean tunDevice() {
                return Files.exists(Path.of("/dev/net/tun"));
            }

            @Override
            public boolean kubernetes(Map<String, String> env) {
                return KubeEnvironment.available(env);
            }

            @Override
            public String forwardingProblem(boolean ipv6) {
                Path knob = DestNat.forwardingKnob(ipv6);
                try {
                    if (Files.readString(knob).strip().equals("1") || Files.isWritable(knob)) {
                        return null;
                    }
                    return knob + " is 0 and read-only here";
                } catch (IOException e) {
                    return "cannot read " + knob + " (" + e.getMessage() + ")";
                }
            }

            @Override
            public boolean onPath(String exe) {
                for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(File.pathSeparator)) {
                    if (new File(dir, exe).canExecute()) {
                        return true;
                    }
                }
                return false;
            }
        };
    }
}
