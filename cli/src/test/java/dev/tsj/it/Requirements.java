package dev.tsj.it;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the interop tests need of the machine: root, /dev/net/tun, network namespaces, the
 * reference tools and the built tsj jar. Missing pieces skip the tests on a developer's
 * machine; under CI=true they fail, so CI can never pass by skipping them.
 */
public final class Requirements {
    static final List<String> TOOLS = List.of("ip", "ss", "sysctl", "wg", "wireguard-go", "iperf3", "ping", "tcpdump", "kill");

    private Requirements() {}

    public static void check() {
        List<String> missing = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) {
            missing.add("root");
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            missing.add("/dev/net/tun");
        }
        for (String tool : TOOLS) {
            if (!onPath(tool)) {
                missing.add(tool);
            }
        }
        if (!Files.isRegularFile(TsjJar.path())) {
            missing.add(TsjJar.path() + " (run mvn package first)");
        }
        if (missing.isEmpty() && !Cmd.run("ip", "netns", "list").ok()) {
            missing.add("network namespaces (ip netns list fails)");
        }
        if (missing.isEmpty()) {
            return;
        }
        String why = "interop tests need " + String.join(", ", missing);
        if ("true".equals(System.getenv("CI"))) {
            fail("CI=true: " + why + " (.ci/run installs the packages)");
        }
        assumeTrue(false, why);
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
