package dev.tsj.it.tailnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tsj.it.Cmd;
import dev.tsj.it.CmdResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code systemd-analyze verify} accepts the shipped units with no warning. They name
 * {@code /usr/local/bin/tsj}, which install.sh creates; here it is replaced by the
 * checkout's launcher, which exists, since verify checks that ExecStart is executable.
 */
class SystemdUnitsTest {
    private static final List<String> UNITS = List.of("tsjd.service", "tsj-control.service");
    private static final String INSTALLED_BINARY = "/usr/local/bin/tsj";

    @Test
    void systemdAnalyzeVerifyAcceptsTheUnits(@TempDir Path dir) throws Exception {
        if (!TailnetRequirements.onPath("systemd-analyze")) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true: systemd-analyze is missing (.ci/run installs systemd)");
            }
            assumeTrue(false, "systemd-analyze is not installed");
        }
        Path checkout = checkout();
        List<String> cmd = new ArrayList<>(List.of("systemd-analyze", "verify"));
        for (String unit : UNITS) {
            String text = Files.readString(checkout.resolve("systemd").resolve(unit));
            assertTrue(text.contains(INSTALLED_BINARY), unit + " runs " + INSTALLED_BINARY);
            Path copy = dir.resolve(unit);
            Files.writeString(copy, text.replace(INSTALLED_BINARY, checkout.resolve("tsj").toString()));
            cmd.add(copy.toString());
        }
        CmdResult r = Cmd.run(Duration.ofSeconds(60), cmd);
        assertEquals(0, r.exitCode(), r.describe());
        // verify exits 0 on warnings such as "Failed to parse service type, ignoring": none may name our units.
        List<String> aboutUs = r.output().lines().filter(l -> UNITS.stream().anyMatch(l::contains)).toList();
        assertEquals(List.of(), aboutUs, r.describe());
    }

    /** The checkout's root: where the launcher {@code tsj} and {@code systemd/} are, above the module's directory. */
    private static Path checkout() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("tsj")) && Files.isDirectory(p.resolve("systemd"))) {
                return p;
            }
        }
        throw new AssertionError("no checkout (tsj and systemd/) above " + Path.of("").toAbsolutePath());
    }
}
