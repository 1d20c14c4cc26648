package dev.tsj.cli.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tsj.control.api.Hostinfo;
import dev.tsj.control.api.IpPrefix;
import dev.tsj.control.api.RegisterRequest;
import dev.tsj.control.client.ControlClient;
import dev.tsj.crypto.PrivateKey;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin commands as a user runs them, against a real server through its admin socket. */
class ControlCommandsTest extends ControlCliTestBase {
    private String registerNode(String key, String host) throws Exception {
        ControlClient c = new ControlClient(URI.create("http://127.0.0.1:" + server.address().getPort()),
                PrivateKey.generate());
        return c.register(new RegisterRequest(PrivateKey.generate().publicKey(), key, false,
                Hostinfo.of(host).withAdvertisedRoutes(List.of(IpPrefix.parse("203.0.113.0/24"))))).name();
    }

    @Test
    void usersCreateListDeleteAsTableAndJson() throws Exception {
        Result created = run("users", "create", "alice");
        assertEquals(0, created.status(), created.err());
        assertTrue(created.out().startsWith("ID"), created.out());
        assertTrue(created.out().contains("alice"));
        Result json = run("users", "list", "--json");
        assertEquals("alice", json.json().get(0).get("name").asText());
        assertEquals(0, json.json().get(0).get("nodes").asInt());

        Result dup = run("users", "create", "alice");
        assertEquals(1, dup.status());
        assertEquals("tsj: user alice already exists\n", dup.err());
        Result bad = run("users", "create", "bad name!");
        assertEquals(1, bad.status());
        assertTrue(bad.err().startsWith("tsj: invalid user name"), bad.err());
        assertEquals(1, run("users", "list", "--json").json().size(), "refusals changed nothing");

        assertEquals(0, run("users", "delete", "alice").status());
        assertEquals(0, run("users", "list", "--json").json().size());
        Result gone = run("users", "delete", "alice");
        assertEquals("tsj: no such user: alice\n", gone.err());
    }

    @Test
    void authKeyIsPrintedOnceAndListedWithoutItsSecret() throws Exception {
        run("users", "create", "alice");
        Result key = run("authkeys", "create", "--user", "alice", "--reusable", "--ephemeral", "--tags", "server,tag:web",
                "--expiration", "12h");
        assertEquals(0, key.status(), key.err());
        String text = key.out().strip();
        assertTrue(text.matches("tskey-auth-[0-9a-f]{12}-[0-9a-f]{32}"), text);
        Result list = run("authkeys", "list");
        assertTrue(list.out().contains("usable"), list.out());
        assertFalse(list.out().contains(text.substring(text.lastIndexOf('-') + 1)), "the secret is never listed");
        JsonNode k = run("authkeys", "list", "--json").json().get(0);
        assertTrue(k.get("reusable").asBoolean());
        assertTrue(k.get("ephemeral").asBoolean());
        assertEquals("[\"tag:server\",\"tag:web\"]", k.get("tags").toString());

        Result expire = run("authkeys", "expire", k.get("id").asText());
        assertEquals(0, expire.status(), expire.err());
        assertTrue(expire.out().contains("expired"));

        assertEquals("tsj: no such user: bob\n", run("authkeys", "create", "--user", "bob").err());
        Result badDur = run("authkeys", "create", "--user", "alice", "--expiration", "soon");
        assertEquals(2, badDur.status());
        assertTrue(badDur.err().contains("invalid duration \"soon\""), badDur.err());
        assertEquals("tsj: invalid tag \"Bad Tag\": use tag:name with lower-case letters, digits and -\n",
                run("authkeys", "create", "--user", "alice", "--tags", "Bad Tag").err());
        assertEquals("tsj: no such auth key: nope\n", run("authkeys", "expire", "nope").err());
        assertEquals(1, run("authkeys", "list", "--json").json().size());
    }

    @Test
    void nodesAndRoutesCommands() throws Exception {
        run("users", "create", "alice");
        String key = run("authkeys", "create", "--user", "alice", "--reusable").out().strip();
        assertEquals("router", registerNode(key, "router"));
        assertEquals("router-1", registerNode(key, "router"));

        Result list = run("nodes", "list");
        assertTrue(list.out().contains("router-1") && list.out().contains("100."), list.out());
        assertTrue(list.out().contains("offline"));
        JsonNode nodes = run("nodes", "list", "--json").json();
        assertEquals(2, nodes.size());
        assertTrue(nodes.get(0).get("ipv6").asText().startsWith("fd7a:115c:a1e0:"));

        assertEquals(0, run("nodes", "rename", "router-1", "backup").status());
        assertEquals("tsj: name backup is already taken by another node\n", run("nodes", "rename", "router", "backup").err());
        assertTrue(run("nodes", "rename", "router", "Not_Valid").err().startsWith("tsj: invalid name"));
        assertEquals("tsj: no such node: nope\n", run("nodes", "delete", "nope").err());
        assertEquals("tsj: user alice still owns 2 node(s); delete them first\n", run("users", "delete", "alice").err());

        Result routes = run("routes", "list");
        assertTrue(routes.out().contains("203.0.113.0/24"), routes.out());
        assertEquals("tsj: node router does not advertise 198.51.100.0/24\n",
                run("routes", "approve", "router", "198.51.100.0/24").err());
        assertTrue(run("routes", "approve", "router", "10.0.0.1/8").err().contains("host bits set"));
        Result ok = run("routes", "approve", "router", "203.0.113.0/24", "--json");
        assertEquals(0, ok.status(), ok.err());
        assertTrue(ok.json().get(0).get("approved").asBoolean());

        Result expired = run("nodes", "expire", "router", "--json");
        assertTrue(expired.json().get("expired").asBoolean());
        Result deleted = run("nodes", "delete", String.valueOf(nodes.get(1).get("id").asLong()));
        assertEquals(0, deleted.status());
        assertEquals(1, run("nodes", "list", "--json").json().size());
    }

    @Test
    void aMissingServerIsReportedInOneLine(@TempDir Path empty) {
        Result r = run("users", "list", "--state-dir", empty.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("tsj: cannot reach the control server: no admin socket at "), r.err());
        assertEquals(1, r.err().lines().count());
    }

    @Test
    void serveRefusesBadFlagsAndASecondServerOnTheSameStateDir() {
        assertTrue(run("serve", "--listen", "nowhere").err().startsWith("tsj: --listen: "));
        Result second = run("serve", "--state-dir", dir.toString(), "--listen", "127.0.0.1:0");
        assertEquals(1, second.status());
        assertTrue(second.err().contains("another tsj control server is using"), second.err());
    }
}
