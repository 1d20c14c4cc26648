package dev.tsj.it.tailnet;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tsj.it.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The interop suites' requirements (root, namespaces, the jar, wg, iperf3 ...) plus the
 * tools the tailnet suites use besides: curl, nftables, python3's HTTP server. As there,
 * a missing piece skips on a developer's machine and fails under CI=true.
 */
final class TailnetRequirements {
    static final List<String> TOOLS = List.of("curl", "nft", "python3", "sysctl");

    private TailnetRequirements() {}

    /** The tools every tailnet suite needs, and {@code extraTools} this suite needs besides. */
    static void check(String... extraTools) {
        Requirements.check();
        List<String> missing = new ArrayList<>();
        List<String> all = new ArrayList<>(TOOLS);
        all.addAll(List.of(extraTools));
        for (String tool : all) {
            if (!onPath(tool)) {
                missing.add(tool);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String why = "tailnet tests need " + String.join(", ", missing);
        if ("true".equals(System.getenv("CI"))) {
            fail("CI=true: " + why + " (.ci/run installs the packages)");
        }
        assumeTrue(false, why);
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
