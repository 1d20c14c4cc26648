package dev.tsj.control.server;

import static dev.tsj.control.PolicyTestSupport.SECOND;
import static dev.tsj.control.PolicyTestSupport.accepts;
import static dev.tsj.control.PolicyTestSupport.online;
import static dev.tsj.control.PolicyTestSupport.peers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.control.ServerTestBase;
import dev.tsj.control.TestNode;
import dev.tsj.control.admin.RouteInfo;
import dev.tsj.control.api.Hostinfo;
import dev.tsj.control.api.IpPrefix;
import dev.tsj.control.api.NetMap;
import dev.tsj.control.api.Node;
import dev.tsj.control.api.RegisterResponse;
import dev.tsj.control.client.ControlException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Tags a node asks for, routes the policy approves, and which routes each viewer gets. */
class PolicyTagsAndRoutesTest extends ServerTestBase {
    static final IpPrefix LAN = IpPrefix.parse("203.0.113.0/24");
    static final IpPrefix OTHER_LAN = IpPrefix.parse("198.51.100.0/24");
    static final List<IpPrefix> EXIT = List.of(IpPrefix.parse("0.0.0.0/0"), IpPrefix.parse("::/0"));

    private static Hostinfo asking(String name, String... tags) {
        return Hostinfo.of(name).withRequestTags(List.of(tags));
    }

    private static Hostinfo advertising(String name, List<IpPrefix> routes, String... tags) {
        return Hostinfo.of(name).withAdvertisedRoutes(routes).withRequestTags(List.of(tags));
    }

    private RegisterResponse register(String name, String key, Hostinfo hi) throws ControlException {
        TestNode n = new TestNode(server, name);
        n.hostinfo = hi;
        return n.register(key);
    }

    private RouteInfo route(String node, IpPrefix p) throws Exception {
        return server.admin().listRoutes().stream().filter(r -> r.node().equals(node) && r.prefix().equals(p.toString()))
                .findFirst().orElseThrow();
    }

    @Test
    void askedForTagsNeedAnOwnerInThePolicyAndMakeTheNodeTagged() throws Exception {
        String alice = server.authKey("alice@example.com", true, false, List.of());
        String bob = server.authKey("bob", true, false, List.of());
        String builders = server.authKey("bob", true, false, List.of("tag:builder"));

        ControlException none = assertThrows(ControlException.class, () -> register("web", alice, asking("web", "tag:web")));
        assertEquals("requested tags tag:web are not permitted: there is no policy, so no tag has owners", none.getMessage());

        server.admin().setPolicy("""
                {"tagOwners": {"tag:web": ["alice@example.com"], "tag:ci": ["tag:builder"], "tag:builder": []},
                 "acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}]}
                """);
        RegisterResponse web = register("web", alice, asking("web", "tag:web"));
        assertEquals(List.of("tag:web"), web.tags());
        assertEquals("tagged-devices", web.user(), "a tagged node belongs to no user");
        assertNull(web.keyExpiry(), "and its key does not expire");

        ControlException refused = assertThrows(ControlException.class, () -> register("web2", bob, asking("web2", "tag:web")));
        assertEquals("requested tags tag:web are not permitted: tagOwners in the policy does not give them to user bob",
                refused.getMessage());
        assertTrue(server.admin().listNodes().stream().noneMatch(n -> n.name().equals("web2")), "nothing registered");

        RegisterResponse ci = register("ci", builders, asking("ci", "tag:ci"));
        assertEquals(List.of("tag:builder", "tag:ci"), ci.tags(), "a tag may own another tag");

        RegisterResponse laptop = register("laptop", alice, Hostinfo.of("laptop"));
        assertEquals("alice@example.com", laptop.user());
        assertTrue(laptop.tags().isEmpty());
        assertTrue(laptop.keyExpiry() != null);
    }

    @Test
    void autoApproversApproveRoutesAsTheyArriveAndWhenThePolicyChanges() throws Exception {
        String routers = server.authKey("ops", true, false, List.of("tag:router"));
        server.admin().setPolicy("""
                {"tagOwners": {"tag:router": []},
                 "autoApprovers": {"routes": {"203.0.113.0/24": ["tag:router"]}},
                 "acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}]}
                """);
        register("r1", routers, advertising("r1", List.of(LAN, OTHER_LAN)));
        assertTrue(route("r1", LAN).approved(), "covered by autoApprovers: approved on registration");
        assertFalse(route("r1", OTHER_LAN).approved(), "not covered: waits for an administrator");

        try (TestNode r2 = online(server, "r2", routers, advertising("r2", List.of()), 2)) {
            r2.session.update(dev.tsj.control.api.MapUpdate.hostinfo(advertising("r2", List.of(LAN))));
            dev.tsj.control.TestServer.await("r2's new route approved", SECOND, () -> {
                try {
                    return route("r2", LAN).approved();
                } catch (Exception e) {
                    return false;
                }
            });
        }

        server.admin().setApproved("r1", List.of(LAN.toString()), false);
        server.admin().setPolicy("""
                {"tagOwners": {"tag:router": []},
                 "autoApprovers": {"routes": {"198.51.100.0/24": ["tag:router"]}},
                 "acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}]}
                """);
        assertTrue(route("r1", OTHER_LAN).approved(), "newly covered: approved when the policy changes");
        assertFalse(route("r1", LAN).approved(), "an administrator's withdrawal stands");
        assertTrue(route("r2", LAN).approved(), "approvals are never withdrawn by a policy change");
    }

    @Test
    void eachViewerGetsOnlyTheRoutesAndExitRoutesThePolicyLetsItUse() throws Exception {
        String routers = server.authKey("ops", true, false, List.of("tag:router"));
        String alice = server.authKey("alice@example.com", true, false, List.of());
        String bob = server.authKey("bob", true, false, List.of());
        String policy = """
                {"tagOwners": {"tag:router": []},
                 "autoApprovers": {"routes": {"203.0.113.0/24": ["tag:router"]}, "exitNode": ["tag:router"]},
                 "acls": [
                   {"action": "accept", "src": ["alice@example.com"], "dst": ["203.0.113.0/24:443", "autogroup:internet:*"]},
                   {"action": "accept", "src": ["bob@"], "dst": ["tag:router:22"]},
                 ]}
                """;
        server.admin().setPolicy(policy);
        List<IpPrefix> all = new java.util.ArrayList<>(List.of(LAN));
        all.addAll(EXIT);
        try (TestNode r1 = online(server, "r1", routers, advertising("r1", all), 1);
             TestNode r2 = online(server, "r2", routers, advertising("r2", List.of(LAN)), 2);
             TestNode laptop = online(server, "laptop", alice, null, 3);
             TestNode desk = online(server, "desk", bob, null, 4)) {
            NetMap l = laptop.awaitMap("both routers, r1 primary", SECOND, m -> peers(m).equals(Set.of("r1", "r2"))
                    && m.peerByName("r1").get().primaryRoutes().equals(List.of(LAN)));
            Node r1SeenByAlice = l.peerByName("r1").orElseThrow();
            assertEquals(Set.of(LAN, EXIT.get(0), EXIT.get(1)), Set.copyOf(r1SeenByAlice.allowedIps().subList(2, 5)),
                    "the subnet and the exit routes alice may use");
            assertEquals(List.of(LAN), r1SeenByAlice.primaryRoutes(), "exit routes are never primary");
            Node r2SeenByAlice = l.peerByName("r2").orElseThrow();
            assertEquals(r2SeenByAlice.addresses(), r2SeenByAlice.allowedIps(), "r2 is the standby");

            NetMap d = desk.awaitMap("bob sees both routers, without their routes", SECOND,
                    m -> peers(m).equals(Set.of("r1", "r2")));
            for (Node r : d.peers()) {
                assertEquals(r.addresses(), r.allowedIps(), "no rule lets bob use " + r.name() + "'s routes");
                assertTrue(r.primaryRoutes().isEmpty());
            }
            NetMap routerMap = r1.awaitMap("r1's filter lets bob in on 22", SECOND,
                    m -> accepts(m, d.self().ipv4(), m.self().ipv4(), 22));
            IpPrefix lanHost = IpPrefix.parse("203.0.113.10/32");
            assertTrue(accepts(routerMap, l.self().ipv4(), lanHost, 443), "alice into the subnet on 443");
            assertFalse(accepts(routerMap, d.self().ipv4(), lanHost, 443), "bob not");
            assertFalse(accepts(routerMap, l.self().ipv4(), routerMap.self().ipv4(), 22), "alice not to the router itself");

            r1.close();
            NetMap failover = laptop.awaitMap("failover: r2 carries the subnet for alice", SECOND,
                    m -> m.peerByName("r2").get().primaryRoutes().equals(List.of(LAN)));
            assertTrue(failover.peerByName("r2").get().allowedIps().contains(LAN));
            assertFalse(failover.peerByName("r1").get().allowedIps().contains(LAN));
            assertTrue(failover.peerByName("r1").get().allowedIps().containsAll(EXIT), "r1 is still an exit node, offline");
            desk.awaitMap("bob still gets no route", SECOND, m -> m.peerByName("r2").get().allowedIps().size() == 2);

            // A route an administrator approves reaches those the policy lets use it.
            r2.session.update(dev.tsj.control.api.MapUpdate.hostinfo(advertising("r2", List.of(LAN, OTHER_LAN))));
            dev.tsj.control.TestServer.await("r2 advertises a second subnet", SECOND, () -> {
                try {
                    return !route("r2", OTHER_LAN).approved();
                } catch (Exception e) {
                    return false;
                }
            });
            server.admin().setPolicy(policy.replace("\"tag:router:22\"", "\"tag:router:22\", \"198.51.100.0/24:*\""));
            server.admin().setApproved("r2", List.of(OTHER_LAN.toString()), true);
            desk.awaitMap("bob may use the approved subnet", SECOND,
                    m -> m.peerByName("r2").get().primaryRoutes().equals(List.of(OTHER_LAN)));
            laptop.awaitMap("alice too: autogroup:internet covers 198.51.100.0/24", SECOND,
                    m -> Set.copyOf(m.peerByName("r2").get().primaryRoutes()).equals(Set.of(LAN, OTHER_LAN)));
        }
    }
}
