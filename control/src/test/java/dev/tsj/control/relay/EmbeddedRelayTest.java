package dev.tsj.control.relay;

import static dev.tsj.control.relay.RelayFixture.WAIT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.control.EventLog;
import dev.tsj.control.TestNode;
import dev.tsj.control.TestServer;
import dev.tsj.control.api.MapUpdate;
import dev.tsj.control.api.NetMap;
import dev.tsj.control.api.RelayNode;
import dev.tsj.control.core.TailnetConfig;
import dev.tsj.control.relay.client.RelayClient;
import dev.tsj.control.stun.Stun;
import dev.tsj.crypto.PrivateKey;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay inside the control server: the relay map, admission by the tailnet, STUN, home relays. */
class EmbeddedRelayTest {
    private static final RelayNode FRA = new RelayNode("fra", 2, "http://198.18.0.11:8443/relay", null, 3478, 3479, null);

    @TempDir
    Path dir;
    private TestServer server;
    private String authKey;
    private final java.util.List<AutoCloseable> toClose = new java.util.ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        ControlRelayConfig relays = new ControlRelayConfig(true, RelayServerConfig.defaults("home")
                .withKeepAlive(Duration.ofSeconds(1)).withRevalidateEvery(Duration.ofMillis(200)), 1, 0, 0, List.of(FRA));
        server = new TestServer(dir, TailnetConfig.defaults().withKeepAlive(Duration.ofSeconds(1)), relays);
        authKey = server.authKey("alice", true, false, List.of());
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        server.close();
    }

    private TestNode node(String name) throws Exception {
        TestNode n = new TestNode(server, name);
        toClose.add(n);
        n.register(authKey);
        n.open();
        n.awaitMap("first map", WAIT, m -> true);
        return n;
    }

    private RelayClient relayClient(TestNode n, NetMap map, Inbox inbox) {
        RelayNode home = map.relayByRegion(1).orElseThrow();
        RelayClient c = RelayClient.start(home.resolveUrl(server.url()), n.nodeKey, inbox,
                RelayFixture.FAST.withExpectedRelayKey(home.publicKey()));
        toClose.add(c);
        return c;
    }

    @Test
    void theNetmapAdvertisesTheEmbeddedRelayFirstThenTheListedOnes() throws Exception {
        NetMap map = node("web").latest();
        RelayNode home = map.relays().get(0);
        assertEquals("home", home.name());
        assertEquals(1, home.regionId());
        assertEquals("/relay", home.url());
        assertNull(home.stunHost());
        assertEquals(server.server().stun().port(), home.stunPort());
        assertEquals(server.server().stun().altPort(), home.stunAltPort());
        assertTrue(home.stunPort() > 0 && home.stunAltPort() > 0);
        assertEquals(server.server().relay().publicKey(), home.publicKey());
        assertEquals(URI.create(server.url() + "/relay"), home.resolveUrl(server.url()));
        assertEquals("127.0.0.1", home.resolveStunHost(server.url()));
        assertEquals(FRA, map.relays().get(1));
        assertEquals("198.18.0.11", FRA.resolveStunHost(server.url()));
        assertEquals(FRA, map.relayByRegion(2).orElseThrow());
        server.stop();
        server.start();
        assertEquals(home.publicKey(), server.server().relay().publicKey(), "the relay key survives a restart");
    }

    @Test
    void tailnetNodesRelayThroughTheControlPortAndStrangersAreRefused() throws Exception {
        TestNode a = node("a");
        TestNode b = node("b");
        Inbox ib = new Inbox();
        RelayClient ca = relayClient(a, a.latest(), new Inbox());
        RelayClient cb = relayClient(b, b.latest(), ib);
        TestServer.await("both connected", WAIT, () -> ca.isConnected() && cb.isConnected());
        assertEquals("home", ca.status().relayName());
        byte[] ciphertext = {9, 8, 7, 6, 5};
        assertTrue(ca.send(b.nodeKey.publicKey(), ciphertext, 0, ciphertext.length));
        Inbox.Packet p = ib.next(WAIT);
        assertEquals(a.nodeKey.publicKey(), p.src());
        assertArrayEquals(ciphertext, p.data());

        RelayStats s = server.admin().relayStats();
        assertEquals("home", s.name());
        assertEquals(2, s.clients());
        assertEquals(1, s.packetsRelayed());
        assertEquals(5, s.bytesRelayed());

        RelayClient stranger = RelayClient.start(URI.create(server.url() + "/relay"), PrivateKey.generate(), new Inbox(),
                RelayFixture.FAST);
        toClose.add(stranger);
        TestServer.await("stranger refused", WAIT, () -> relayStats().admissionRefused() >= 1);
        assertFalse(stranger.isConnected());
    }

    private RelayStats relayStats() {
        try {
            return server.admin().relayStats();
        } catch (dev.tsj.control.admin.AdminException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aDeletedNodeIsDroppedFromTheRelay() throws Exception {
        TestNode a = node("a");
        Inbox ia = new Inbox();
        RelayClient ca = relayClient(a, a.latest(), ia);
        TestServer.await("connected", WAIT, ca::isConnected);
        server.admin().deleteNode("a");
        TestServer.await("dropped", WAIT, () -> !ca.isConnected()
                && ia.health.stream().anyMatch(h -> h.contains("no longer")));
        TestServer.await("and kept out", WAIT, () -> ca.status().detail().contains("not a current node"));
    }

    @Test
    void aNodesHomeRelayReachesItsPeers() throws Exception {
        TestNode a = node("a");
        TestNode b = node("b");
        assertNull(b.latest().peerByName("a").orElseThrow().homeRelay());
        a.session.update(MapUpdate.homeRelay(1));
        NetMap m = b.awaitMap("a's home relay", WAIT, x -> x.peerByName("a").map(p -> p.homeRelay() != null).orElse(false));
        int region = m.peerByName("a").orElseThrow().homeRelay();
        assertEquals("home", m.relayByRegion(region).orElseThrow().name());
        a.session.update(MapUpdate.homeRelay(2));
        b.awaitMap("moved to fra", WAIT, x -> Integer.valueOf(2).equals(x.peerByName("a").orElseThrow().homeRelay()));
    }

    @Test
    void theControlServerAnswersStunOnBothPorts() throws Exception {
        node("a");
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            s.setSoTimeout(5000);
            for (int port : new int[] {server.server().stun().port(), server.server().stun().altPort()}) {
                byte[] tx = Stun.newTransactionId();
                byte[] req = Stun.bindingRequest(tx);
                s.send(new DatagramPacket(req, req.length, InetAddress.getLoopbackAddress(), port));
                DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
                s.receive(p);
                Stun.BindingResponse r = Stun.parseBindingResponse(p.getData(), 0, p.getLength());
                assertEquals(s.getLocalSocketAddress(), r.mapped());
            }
        }
        TestServer.await("both requests counted", WAIT, () -> stunRequests() == 2);
    }

    private long stunRequests() {
        try {
            return server.admin().relayStats().stunRequests();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aStandaloneRelayAdmitsByAskingTheControlServer() throws Exception {
        TestNode a = node("a");
        AdmitSecret secret = AdmitSecret.read(dir.resolve(AdmitSecret.FILE));
        try (StandaloneRelay relay = StandaloneRelay.start(new InetSocketAddress("127.0.0.1", 0), null, null,
                RelayServerConfig.defaults("fra"), PrivateKey.generate(), new HttpAdmission(server.url(), secret),
                EventLog.silent())) {
            RelayClient ca = RelayClient.start(relay.url(), a.nodeKey, new Inbox(), RelayFixture.FAST);
            toClose.add(ca);
            TestServer.await("admitted", WAIT, ca::isConnected);
            assertEquals("fra", ca.status().relayName());
            RelayClient stranger = RelayClient.start(relay.url(), PrivateKey.generate(), new Inbox(), RelayFixture.FAST);
            toClose.add(stranger);
            TestServer.await("stranger refused", WAIT, () -> relay.stats().admissionRefused() >= 1);
            assertFalse(stranger.isConnected());
        }
    }

    @Test
    void theAdmitEndpointWantsTheSecret() throws Exception {
        TestNode a = node("a");
        Path wrong = dir.resolve("wrong.secret");
        java.nio.file.Files.writeString(wrong, "00".repeat(32) + "\n");
        HttpAdmission bad = new HttpAdmission(server.url(), AdmitSecret.read(wrong));
        assertEquals(Admission.Verdict.UNAVAILABLE, bad.check(a.nodeKey.publicKey()));
        assertTrue(bad.lastProblem().contains("401"), bad.lastProblem());
        HttpAdmission good = new HttpAdmission(server.url(), AdmitSecret.read(dir.resolve(AdmitSecret.FILE)));
        assertEquals(Admission.Verdict.ADMIT, good.check(a.nodeKey.publicKey()));
        assertEquals(Admission.Verdict.REFUSE, good.check(PrivateKey.generate().publicKey()));
    }

    @Test
    void aServerWithoutRelaysAdvertisesNone() throws Exception {
        server.close();
        server = new TestServer(dir.resolve("norelay"), TailnetConfig.defaults(),
                new ControlRelayConfig(false, RelayServerConfig.defaults("x"), 1, null, null, List.of()));
        authKey = server.authKey("alice", true, false, List.of());
        assertTrue(node("a").latest().relays().isEmpty());
        assertNull(server.server().relay());
        RelayClient c = RelayClient.start(URI.create(server.url() + "/relay"), PrivateKey.generate(), new Inbox(),
                RelayFixture.FAST);
        toClose.add(c);
        TestServer.await("refused", WAIT, () -> c.status().detail().contains("404"));
    }
}
