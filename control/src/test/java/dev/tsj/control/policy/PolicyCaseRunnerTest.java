package dev.tsj.control.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner must be able to fail, and say why in words a person can act on. */
class PolicyCaseRunnerTest {

    @TempDir
    Path dir;

    private Path copyOf(String caseName, String from, String to) throws IOException {
        Path source = ConformanceCases.root().resolve(caseName);
        Path target = dir.resolve(source.getFileName());
        Files.writeString(target, Files.readString(source).replace(from, to));
        return target;
    }

    @Test
    void passesAnUntouchedCase() throws IOException {
        assertEquals(PolicyCaseRunner.Verdict.PASS, new PolicyCaseRunner().run(copyOf("acl/acl-a02.json", "", "")).verdict());
    }

    @Test
    void reportsAChangedPortAsMissingAndUnexpectedRules() throws IOException {
        // acl-a07 opens port 22 on tag:server; pretend Tailscale had opened 2222 instead.
        Path tampered = copyOf("acl/acl-a07.json", "\"First\": 22,\n        \"Last\": 22", "\"First\": 2222,\n        \"Last\": 2222");
        PolicyCaseRunner.Result r = new PolicyCaseRunner().run(tampered);
        assertEquals(PolicyCaseRunner.Verdict.FAIL, r.verdict());
        assertTrue(r.difference().contains("missing rule") && r.difference().contains("port 2222"), r.difference());
        assertTrue(r.difference().contains("unexpected rule") && r.difference().contains("port 22"), r.difference());
    }

    @Test
    void reportsAPolicyTailscaleRejectedButTsjAccepts() throws IOException {
        Path flipped = copyOf("acl/acl-a02.json", "\"control_accepts_policy\": true", "\"control_accepts_policy\": false");
        PolicyCaseRunner.Result r = new PolicyCaseRunner().run(flipped);
        assertEquals("Tailscale rejected this policy, tsj accepted it", r.difference());
    }

    @Test
    void reportsAMissingPeer() throws IOException {
        Path extra = copyOf("acl/acl-sf01.json", "\"peers\": []", "\"peers\": [{\"AllowedIPs\": [], \"PrimaryRoutes\": [], \"hostname\": \"ghost\"}]");
        PolicyCaseRunner.Result r = new PolicyCaseRunner().run(extra);
        assertTrue(r.difference().contains("missing peer ghost"), r.difference());
    }

    @Test
    void anUnreadableCaseFailsWithAReason() throws IOException {
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"id\": \"x\"}");
        PolicyCaseRunner.Result r = new PolicyCaseRunner().run(broken);
        assertEquals("cannot read the case: missing field \"policy\"", r.difference());
    }
}
