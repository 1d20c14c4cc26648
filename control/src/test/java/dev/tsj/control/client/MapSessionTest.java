package dev.tsj.control.client;

import static dev.tsj.control.TestNode.ep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.control.TestNode;
import dev.tsj.control.TestServer;
import dev.tsj.control.api.FilterRule;
import dev.tsj.control.api.MapUpdate;
import dev.tsj.control.api.NetMap;
import dev.tsj.control.api.Node;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MapSessionTest extends dev.tsj.control.ServerTestBase {
    /** The promise: a change reaches every session within one second. */
    static final Duration DELTA = Duration.ofSeconds(1);
    static final Duration LONG = Duration.ofSeconds(10);

    String key;

    @BeforeEach
    void createKey() {
        key = server.authKey("alice", true, false, List.of());
    }

    private TestNode online(String name, String endpoint) throws Exception {
        TestNode n = new TestNode(server, name);
        n.register(key);
        n.open(ep(endpoint));
        n.awaitMap("first map", LONG, m -> m.self().online());
        return n;
    }

    private static boolean hasPeer(NetMap m, String name) {
        return m.peerByName(name).isPresent();
    }

    @Test
    void fullMapThenDeltasWhenPeersJoinMoveAndLeave() throws Exception {
        try (TestNode a = online("a", "198.18.0.1:41641")) {
            NetMap first = a.latest();
            assertEquals("a", first.self().name());
            assertEquals("a.tsj.internal", first.self().dnsName());
            assertEquals(List.of(ep("198.18.0.1:41641")), first.self().endpoints());
            assertEquals(FilterRule.ALLOW_ALL, first.packetFilter());
            assertEquals("tsj.internal", first.dns().domain());
            assertTrue(first.peers().isEmpty());

            try (TestNode b = online("b", "198.18.0.2:41641")) {
                NetMap withB = a.awaitMap("b joins and is online", DELTA,
                        m -> m.peerByName("b").map(Node::online).orElse(false));
                Node peerB = withB.peerByName("b").orElseThrow();
                assertEquals(b.nodeKey.publicKey(), peerB.nodeKey());
                assertEquals(b.machineKey.publicKey(), peerB.machineKey());
                assertEquals("alice", peerB.user());
                assertEquals(peerB.addresses(), peerB.allowedIps());
                assertEquals(List.of(ep("198.18.0.2:41641")), peerB.endpoints());
                assertTrue(b.latest().peerByName("a").isPresent(), "b's full map holds a");

                b.session.update(MapUpdate.endpoints(List.of(ep("198.18.0.9:5555"), ep("[2001:db8::9]:5555"))));
                a.awaitMap("b's new endpoints", DELTA, m -> m.peerByName("b").orElseThrow().endpoints()
                        .equals(List.of(ep("198.18.0.9:5555"), ep("[2001:db8::9]:5555"))));
                b.awaitMap("own endpoints in self", DELTA, m -> m.self().endpoints().size() == 2);
            }
            NetMap off = a.awaitMap("b goes offline", DELTA, m -> hasPeer(m, "b") && !m.peerByName("b").get().online());
            assertTrue(off.peerByName("b").get().lastSeen() != null);

            server.admin().deleteNode("b");
            a.awaitMap("b deleted", DELTA, m -> !hasPeer(m, "b"));
            assertEquals(MapSession.State.CONNECTED, a.session.state());
        }
    }

    @Test
    void deletingAnOnlineNodeRemovesItAtOnceAndTellsItToLogIn() throws Exception {
        try (TestNode a = online("a", "198.18.0.1:1"); TestNode b = online("b", "198.18.0.2:1")) {
            a.awaitMap("b", DELTA, m -> hasPeer(m, "b"));
            server.admin().deleteNode("b");
            a.awaitMap("b removed", DELTA, m -> !hasPeer(m, "b"));
            TestServer.await("b told to log in", LONG, () -> b.session.state() == MapSession.State.NEEDS_LOGIN);
            assertTrue(b.lastDetail.contains("deleted"), b.lastDetail);
        }
    }

    @Test
    void expiringANodeKeyDropsItFromPeersUntilItLogsInAgain() throws Exception {
        try (TestNode a = online("a", "198.18.0.1:1"); TestNode b = online("b", "198.18.0.2:1")) {
            a.awaitMap("b", DELTA, m -> hasPeer(m, "b"));
            server.admin().expireNode("b");
            a.awaitMap("b expired and gone", DELTA, m -> !hasPeer(m, "b"));
            TestServer.await("b needs login", LONG, () -> b.session.state() == MapSession.State.NEEDS_LOGIN);
            assertEquals("node key expired: re-run tsj up with an auth key", b.lastDetail);
            b.register(key);
            b.open(ep("198.18.0.2:1"));
            a.awaitMap("b back", DELTA, m -> hasPeer(m, "b") && m.peerByName("b").get().online());
            assertFalse(a.latest().peerByName("b").get().expired());
        }
    }

    @Test
    void ephemeralNodeIsRemovedAfterItsOfflineTimeout() throws Exception {
        String eph = server.authKey("ci", false, true, List.of());
        try (TestNode a = online("a", "198.18.0.1:1")) {
            TestNode job = new TestNode(server, "job");
            job.register(eph);
            job.open(ep("198.18.0.3:1"));
            a.awaitMap("job online", DELTA, m -> m.peerByName("job").map(Node::online).orElse(false));
            job.close();
            a.awaitMap("job offline", DELTA, m -> hasPeer(m, "job") && !m.peerByName("job").get().online());
            // the test server's ephemeral timeout is 2 s
            a.awaitMap("job removed", Duration.ofSeconds(5), m -> !hasPeer(m, "job"));
            assertTrue(server.admin().listNodes().stream().noneMatch(n -> n.name().equals("job")));
        }
    }

    @Test
    void sessionsReconnectByThemselvesAfterAServerRestart() throws Exception {
        try (TestNode a = online("a", "198.18.0.1:1"); TestNode b = online("b", "198.18.0.2:1")) {
            a.awaitMap("b", DELTA, m -> hasPeer(m, "b"));
            int before = a.maps.size();
            server.stop();
            TestServer.await("a notices", LONG, () -> a.session.state() == MapSession.State.RECONNECTING);
            b.session.update(MapUpdate.endpoints(List.of(ep("198.18.0.7:7"))));
            server.start();
            TestServer.await("a reconnected", LONG, () -> a.session.state() == MapSession.State.CONNECTED);
            NetMap m = a.awaitMap("fresh map after restart with b's update", LONG,
                    x -> a.maps.size() > before && x.peerByName("b").map(p -> p.online()
                            && p.endpoints().equals(List.of(ep("198.18.0.7:7")))).orElse(false));
            assertEquals("a", m.self().name());
        }
    }

    @Test
    void aMapSessionForAnUnknownNodeAsksForLogin() throws Exception {
        TestNode stranger = new TestNode(server, "stranger");
        stranger.open(ep("198.18.0.5:1"));
        TestServer.await("needs login", LONG, () -> stranger.session.state() == MapSession.State.NEEDS_LOGIN);
        assertTrue(stranger.lastDetail.contains("not registered"), stranger.lastDetail);
    }

    @Test
    void hostnameChangeRenamesTheNodeForItsPeers() throws Exception {
        try (TestNode a = online("a", "198.18.0.1:1"); TestNode b = online("b", "198.18.0.2:1")) {
            b.session.update(MapUpdate.hostinfo(dev.tsj.control.api.Hostinfo.of("builder")));
            a.awaitMap("renamed", DELTA, m -> hasPeer(m, "builder") && !hasPeer(m, "b"));
            server.admin().renameNode("builder", "ci-box");
            a.awaitMap("admin rename", DELTA, m -> hasPeer(m, "ci-box"));
            assertEquals("ci-box.tsj.internal", a.latest().peerByName("ci-box").get().dnsName());
        }
    }
}
