package dev.tsj.control.client;

import static dev.tsj.control.TestNode.ep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.control.TestNode;
import dev.tsj.control.api.Hostinfo;
import dev.tsj.control.api.IpPrefix;
import dev.tsj.control.api.MapRequest;
import dev.tsj.control.api.NetMap;
import dev.tsj.control.api.Node;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoutesTest extends dev.tsj.control.ServerTestBase {
    static final IpPrefix LAN = IpPrefix.parse("203.0.113.0/24");
    static final Duration SOON = Duration.ofSeconds(2);


    private TestNode router(String name, String key) throws Exception {
        TestNode n = new TestNode(server, name);
        n.client.register(new dev.tsj.control.api.RegisterRequest(n.nodeKey.publicKey(), key, false,
                Hostinfo.of(name).withAdvertisedRoutes(List.of(LAN))));
        n.session = n.client.openMapSession(new MapRequest(n.nodeKey.publicKey(), null, List.of(ep("198.18.1.1:1")),
                Hostinfo.of(name).withAdvertisedRoutes(List.of(LAN))), new MapSession.Listener() {
                    @Override
                    public void onNetMap(NetMap map) {
                        n.maps.add(map);
                    }
                });
        n.awaitMap("online", SOON, m -> m.self().online());
        return n;
    }

    private static List<IpPrefix> primaryOf(NetMap m, String name) {
        return m.peerByName(name).map(Node::primaryRoutes).orElse(List.of());
    }

    @Test
    void onlyApprovedRoutesReachPeersAndThePrimaryFailsOverWithoutFlapping() throws Exception {
        String key = server.authKey("ops", true, false, List.of());
        try (TestNode laptop = new TestNode(server, "laptop"); TestNode r1 = router("r1", key); TestNode r2 = router("r2", key)) {
            laptop.register(key);
            laptop.open(ep("198.18.1.9:1"));
            laptop.awaitMap("both routers", SOON, m -> m.peerByName("r1").isPresent() && m.peerByName("r2").isPresent());
            assertTrue(primaryOf(laptop.latest(), "r1").isEmpty(), "advertised but unapproved: not in AllowedIPs");

            server.admin().setApproved("r1", List.of(LAN.toString()), true);
            server.admin().setApproved("r2", List.of(LAN.toString()), true);
            NetMap m = laptop.awaitMap("r1 primary", SOON, x -> primaryOf(x, "r1").equals(List.of(LAN)));
            assertTrue(m.peerByName("r1").get().allowedIps().contains(LAN));
            assertTrue(primaryOf(m, "r2").isEmpty(), "one primary per prefix");

            r1.close();
            laptop.awaitMap("failover to r2", SOON, x -> primaryOf(x, "r2").equals(List.of(LAN))
                    && !x.peerByName("r1").get().allowedIps().contains(LAN));

            TestNode r1again = new TestNode(server, "r1", r1.machineKey);
            r1again.nodeKey = r1.nodeKey;
            r1again.open(ep("198.18.1.1:1"));
            laptop.awaitMap("r1 back online", SOON, x -> x.peerByName("r1").get().online());
            assertEquals(List.of(LAN), primaryOf(laptop.latest(), "r2"), "the old primary does not grab it back");
            r1again.close();

            server.admin().setApproved("r2", List.of(LAN.toString()), false);
            laptop.awaitMap("unapproved: gone", SOON, x -> primaryOf(x, "r2").isEmpty());
        }
    }
}
