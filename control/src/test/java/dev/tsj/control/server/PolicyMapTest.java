package dev.tsj.control.server;

import static dev.tsj.control.PolicyTestSupport.LONG;
import static dev.tsj.control.PolicyTestSupport.SECOND;
import static dev.tsj.control.PolicyTestSupport.acceptsTcp;
import static dev.tsj.control.PolicyTestSupport.online;
import static dev.tsj.control.PolicyTestSupport.peers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.control.ServerTestBase;
import dev.tsj.control.TestNode;
import dev.tsj.control.TestServer;
import dev.tsj.control.admin.AdminException;
import dev.tsj.control.admin.PolicyInfo;
import dev.tsj.control.api.FilterRule;
import dev.tsj.control.api.MapUpdate;
import dev.tsj.control.api.NetMap;
import dev.tsj.control.api.Node;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A policy put in force on a running server, as nodes see it: who is in each node's map,
 * what its packet filter lets in, and that refused policies change nothing.
 */
class PolicyMapTest extends ServerTestBase {
    /**
     * alice (named by her mail login) may reach the servers on 22 and 443, and every user
     * their own devices; bob (a plain login, so {@code bob@}) only his own.
     */
    static final String POLICY = """
            // who may reach what
            {
              "groups": {"group:dev": ["alice@example.com"]},
              "tagOwners": {"tag:server": ["group:dev"]},
              "acls": [
                {"action": "accept", "src": ["group:dev"], "dst": ["tag:server:22,443"]},
                {"action": "accept", "src": ["autogroup:member"], "dst": ["autogroup:self:*"]},
              ],
            }
            """;

    String alice;
    String bob;
    String servers;

    @BeforeEach
    void keys() {
        alice = server.authKey("alice@example.com", true, false, List.of());
        bob = server.authKey("bob", true, false, List.of());
        servers = server.authKey("alice@example.com", true, false, List.of("tag:server"));
    }

    @Test
    void noPolicyAllowsAllAndAPolicyReachesEveryNodeWithinOneSecond() throws Exception {
        try (TestNode laptop = online(server, "laptop", alice, null, 1);
             TestNode phone = online(server, "phone", alice, null, 2);
             TestNode desk = online(server, "desk", bob, null, 3);
             TestNode db = online(server, "db", servers, null, 4)) {
            NetMap open = laptop.awaitMap("everyone", SECOND, m -> m.peers().size() == 3);
            assertEquals(FilterRule.ALLOW_ALL, open.packetFilter());
            assertNull(server.admin().policy().text(), "no policy until one is set");

            PolicyInfo set = server.admin().setPolicy(POLICY);
            assertEquals(2, set.rules());
            assertEquals(POLICY, server.admin().policy().text(), "stored as written, comments and all");

            NetMap l = laptop.awaitMap("alice's view", SECOND, m -> peers(m).equals(Set.of("phone", "db")));
            NetMap p = phone.awaitMap("alice's other view", SECOND, m -> peers(m).equals(Set.of("laptop", "db")));
            NetMap d = desk.awaitMap("bob sees no one", SECOND, m -> m.peers().isEmpty());
            NetMap s = db.awaitMap("the server sees alice's devices", SECOND, m -> peers(m).equals(Set.of("laptop", "phone")));

            Node laptopSeenByDb = s.peerByName("laptop").orElseThrow();
            assertTrue(acceptsTcp(s, laptopSeenByDb, 22));
            assertTrue(acceptsTcp(s, laptopSeenByDb, 443));
            assertFalse(acceptsTcp(s, laptopSeenByDb, 80), "only the ports the policy names");
            assertFalse(acceptsTcp(s, d.self(), 22), "bob is not in group:dev");
            assertTrue(acceptsTcp(l, p.self(), 8080), "autogroup:self: alice's own devices, any port");
            assertFalse(acceptsTcp(l, s.self(), 22), "the server may not start connections to the laptop");
            assertFalse(acceptsTcp(d, l.self(), 22));
            assertEquals("tagged-devices", l.peerByName("db").orElseThrow().user());
            assertEquals("alice@example.com", s.peerByName("laptop").orElseThrow().user());
        }
    }

    @Test
    void nodesThatJoinOrChangeReachOnlyTheNodesThatMaySeeThem() throws Exception {
        server.admin().setPolicy(POLICY);
        try (TestNode laptop = online(server, "laptop", alice, null, 1);
             TestNode desk = online(server, "desk", bob, null, 3)) {
            laptop.awaitMap("alone", SECOND, m -> m.peers().isEmpty());
            try (TestNode db = online(server, "db", servers, null, 4);
                 TestNode desk2 = online(server, "desk2", bob, null, 5)) {
                laptop.awaitMap("a new server appears", SECOND, m -> peers(m).equals(Set.of("db")));
                desk.awaitMap("bob's new desk appears", SECOND, m -> peers(m).equals(Set.of("desk2")));
                db.awaitMap("the new server has its peers and filter", SECOND,
                        m -> peers(m).equals(Set.of("laptop")) && acceptsTcp(m, m.peerByName("laptop").get(), 22));

                desk2.session.update(MapUpdate.endpoints(List.of(TestNode.ep("198.18.7.99:1"))));
                db.session.update(MapUpdate.endpoints(List.of(TestNode.ep("198.18.7.98:1"))));
                laptop.awaitMap("db moved", SECOND, m -> m.peerByName("db").get().endpoints()
                        .equals(List.of(TestNode.ep("198.18.7.98:1"))));
                desk.awaitMap("desk2 moved", SECOND, m -> m.peerByName("desk2").get().endpoints()
                        .equals(List.of(TestNode.ep("198.18.7.99:1"))));
                assertTrue(laptop.maps.stream().noneMatch(m -> peers(m).contains("desk") || peers(m).contains("desk2")),
                        "the laptop was never told about bob's devices");
            }
            laptop.awaitMap("db offline", SECOND, m -> !m.peerByName("db").orElseThrow().online());
            server.admin().deleteNode("db");
            laptop.awaitMap("db deleted", SECOND, m -> m.peers().isEmpty());
        }
    }

    @Test
    void aChangedPolicyAddsAndRemovesPeersAndReplacesFilters() throws Exception {
        server.admin().setPolicy(POLICY);
        try (TestNode laptop = online(server, "laptop", alice, null, 1);
             TestNode desk = online(server, "desk", bob, null, 3)) {
            laptop.awaitMap("alone", SECOND, m -> m.peers().isEmpty());
            server.admin().setPolicy(POLICY.replace("\"group:dev\": [\"alice@example.com\"]",
                    "\"group:dev\": [\"alice@example.com\", \"bob@\"]").replace("autogroup:self:*", "group:dev:5432"));
            NetMap d = desk.awaitMap("bob now in group:dev", SECOND, m -> peers(m).equals(Set.of("laptop")));
            NetMap l = laptop.awaitMap("and alice sees him", SECOND, m -> peers(m).equals(Set.of("desk")));
            assertTrue(acceptsTcp(l, d.self(), 5432));
            assertFalse(acceptsTcp(l, d.self(), 22));

            server.admin().setPolicy("{\"acls\": []}");
            laptop.awaitMap("an empty policy: no peers, nothing allowed", SECOND,
                    m -> m.peers().isEmpty() && m.packetFilter().isEmpty());
            desk.awaitMap("for everyone", SECOND, m -> m.peers().isEmpty() && m.packetFilter().isEmpty());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "syntax error   | \"src\": [\"*\"] \"dst\": [\"*:*\"]          | line 3, column 39: expected ',' or '}' after the value of \"src\", found '\"'",
        "unknown group  | \"src\": [\"group:nope\"], \"dst\": [\"*:*\"]  | line 3, column 34: acls[0].src: unknown group \"group:nope\"; define it in groups",
        "unowned tag    | \"src\": [\"*\"], \"dst\": [\"tag:web:80\"]    | line 3, column 48: acls[0].dst: tag \"tag:web\" has no owner in tagOwners",
        "bad CIDR       | \"src\": [\"10.0.0.0/33\"], \"dst\": [\"*:*\"] | line 3, column 34: acls[0].src: bad CIDR \"10.0.0.0/33\"",
        "bad port range | \"src\": [\"*\"], \"dst\": [\"*:443-80\"]      | line 3, column 48: acls[0].dst: bad port range \"443-80\" in \"*:443-80\": 443 is after 80",
    })
    void aBadPolicyIsRefusedPreciselyAndTheOldOneStays(String what, String rule, String message) throws Exception {
        server.admin().setPolicy(POLICY);
        try (TestNode laptop = online(server, "laptop", alice, null, 1);
             TestNode db = online(server, "db", servers, null, 4)) {
            laptop.awaitMap("db", SECOND, m -> peers(m).equals(Set.of("db")) && m.peerByName("db").get().online());
            int maps = laptop.maps.size();
            String bad = "{\n  \"acls\": [\n    {\"action\": \"accept\", " + rule.strip() + "},\n  ],\n}";
            AdminException e = assertThrows(AdminException.class, () -> server.admin().setPolicy(bad));
            assertEquals("policy: " + message, e.getMessage());
            assertEquals(POLICY, server.admin().policy().text(), "the previous policy stays in force");
            // A later change still goes out under the old policy, and nothing came in between.
            db.session.update(MapUpdate.endpoints(List.of(TestNode.ep("198.18.7.97:1"))));
            laptop.awaitMap("db moved", SECOND, m -> m.peerByName("db").get().endpoints()
                    .equals(List.of(TestNode.ep("198.18.7.97:1"))));
            assertEquals(maps + 1, laptop.maps.size(), "the refused policy sent nothing");
            assertEquals(Set.of("db"), peers(laptop.latest()));
        }
    }

    @Test
    void thePolicyOutlivesARestartAndServeTimePolicyReplacesIt() throws Exception {
        server.admin().setPolicy(POLICY);
        server.stop();
        // Fresh servers on the same state dir (on new ports: the old one may be taken meanwhile).
        try (TestServer again = new TestServer(dir, server.tailnet)) {
            assertEquals(POLICY, again.admin().policy().text());
            try (TestNode laptop = online(again, "laptop", alice, null, 1);
                 TestNode desk = online(again, "desk", bob, null, 3)) {
                assertTrue(laptop.latest().peers().isEmpty(), "filtered from the first map on");
                assertTrue(desk.latest().peers().isEmpty());
            }
        }
        String allowAll = "{\"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"*:*\"]}]}";
        try (TestServer withFile = new TestServer(dir, server.tailnet, allowAll)) {
            assertEquals(allowAll, withFile.admin().policy().text());
        }
        java.io.IOException refused = assertThrows(java.io.IOException.class,
                () -> new TestServer(dir, server.tailnet, "{\"acls\": [}"));
        assertEquals("policy: line 1, column 11: unexpected '}', expected a value", refused.getMessage());
        try (TestServer after = new TestServer(dir, server.tailnet)) {
            assertEquals(allowAll, after.admin().policy().text(), "the refused file changed nothing");
        }
    }
}
