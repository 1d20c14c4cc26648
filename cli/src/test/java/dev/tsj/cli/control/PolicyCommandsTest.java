package dev.tsj.cli.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tsj.control.api.ApiJson;
import dev.tsj.control.api.Hostinfo;
import dev.tsj.control.api.IpPrefix;
import dev.tsj.control.api.RegisterRequest;
import dev.tsj.control.client.ControlClient;
import dev.tsj.crypto.PrivateKey;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tsj control policy ...} and {@code serve --policy} as an administrator uses them. */
class PolicyCommandsTest extends ControlCliTestBase {
    static final String POLICY = """
            // servers are for developers
            {
              "groups": {"group:dev": ["alice@"]},
              "tagOwners": {"tag:server": ["group:dev"]},
              "autoApprovers": {"routes": {"203.0.113.0/24": ["tag:server"]}},
              "acls": [
                {"action": "accept", "src": ["group:dev"], "dst": ["tag:server:22,443"]},
                {"action": "accept", "src": ["autogroup:member"], "dst": ["autogroup:self:*"]},
              ],
            }
            """;
    static final String UNKNOWN_GROUP = """
            {
              "acls": [
                {"action": "accept", "src": ["group:nope"], "dst": ["*:*"]},
              ],
            }
            """;
    /** The conformance cases live with the policy compiler's tests. */
    static final Path CASES = Path.of("..", "control", "src", "test", "resources", "policy-conformance");

    @TempDir
    Path files;

    private Path file(String name, String text) throws Exception {
        return Files.writeString(files.resolve(name), text);
    }

    @Test
    void checkValidatesWithoutAServerAndNamesFileLineAndColumn() throws Exception {
        server.close();
        Path good = file("good.hujson", POLICY);
        Result ok = run("policy", "check", good.toString());
        assertEquals(0, ok.status(), ok.err());
        assertEquals(good + ": ok (2 rules)\n", ok.out());

        Path bad = file("bad.hujson", UNKNOWN_GROUP);
        Result refused = run("policy", "check", bad.toString());
        assertEquals(1, refused.status());
        assertEquals("tsj: " + bad + ": line 3, column 34: acls[0].src: unknown group \"group:nope\"; define it in groups\n",
                refused.err());

        Result missing = run("policy", "check", files.resolve("nope.hujson").toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().startsWith("tsj: cannot read " + files.resolve("nope.hujson")), missing.err());
        assertEquals(1, missing.err().lines().count());
    }

    @Test
    void setPutsAPolicyInForceGetPrintsItAndARefusalKeepsTheOldOne() throws Exception {
        Result none = run("policy", "get");
        assertEquals(0, none.status());
        assertEquals("", none.out());
        assertEquals("no policy is set: every node may reach every other node\n", none.err());

        run("users", "create", "alice");
        String key = run("authkeys", "create", "--user", "alice", "--tags", "tag:server").out().strip();
        new ControlClient(URI.create("http://127.0.0.1:" + server.address().getPort()), PrivateKey.generate())
                .register(new RegisterRequest(PrivateKey.generate().publicKey(), key, false,
                        Hostinfo.of("router").withAdvertisedRoutes(List.of(IpPrefix.parse("203.0.113.0/24")))));
        Result set = run("policy", "set", file("p.hujson", POLICY).toString());
        assertEquals(0, set.status(), set.err());
        assertEquals("policy set: 2 rules\nroute approved by autoApprovers: router 203.0.113.0/24\n", set.out());
        assertEquals(POLICY, run("policy", "get").out(), "printed as written, comments and all");

        Path bad = file("bad.hujson", UNKNOWN_GROUP);
        Result refused = run("policy", "set", bad.toString());
        assertEquals(1, refused.status());
        assertEquals("tsj: " + bad + ": line 3, column 34: acls[0].src: unknown group \"group:nope\"; define it in groups\n",
                refused.err());
        assertEquals(POLICY, run("policy", "get").out(), "the old policy stays in force");
        assertEquals(2, run("policy", "get", "--json").json().get("rules").asInt());
    }

    @Test
    void testEvaluatesConformanceCasesAndShowsTheDifference() throws Exception {
        Path good = CASES.resolve("acl").resolve("acl-a02.json");
        Result pass = run("policy", "test", good.toString());
        assertEquals(0, pass.status(), pass.out() + pass.err());
        assertEquals("PASS acl-a02\n", pass.out());

        // The same case with one peer missing from what Tailscale is said to have sent.
        ObjectNode c = (ObjectNode) ApiJson.MAPPER.readTree(good.toFile());
        ArrayNode peers = (ArrayNode) c.path("expected").path("beedrill").path("peers");
        String dropped = peers.get(0).path("hostname").asText();
        peers.remove(0);
        c.put("id", "acl-a02-tampered");
        Path tampered = Files.writeString(files.resolve("tampered.json"), ApiJson.MAPPER.writeValueAsString(c));
        Result fail = run("policy", "test", good.toString(), tampered.toString());
        assertEquals(1, fail.status());
        assertEquals("PASS acl-a02\nFAIL acl-a02-tampered\n  beedrill: unexpected peer " + dropped + "\n1 passed, 1 failed\n",
                fail.out());
    }

    @Test
    void serveRefusesToStartWithAnInvalidPolicy() throws Exception {
        Path bad = file("bad.hujson", UNKNOWN_GROUP);
        Result r = run("serve", "--state-dir", files.resolve("state").toString(), "--listen", "127.0.0.1:0",
                "--policy", bad.toString());
        assertEquals(1, r.status());
        assertEquals("tsj: --policy: " + bad + ": line 3, column 34: acls[0].src: unknown group \"group:nope\"; "
                + "define it in groups\n", r.err());
        assertTrue(Files.notExists(files.resolve("state")), "nothing was started or created");
    }
}
