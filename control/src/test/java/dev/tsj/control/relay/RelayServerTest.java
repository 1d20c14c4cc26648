package dev.tsj.control.relay;

import static dev.tsj.control.relay.RelayFixture.WAIT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.control.TestServer;
import dev.tsj.control.relay.client.RelayClient;
import dev.tsj.control.relay.proto.PeerGoneReason;
import dev.tsj.crypto.PrivateKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two or more relay clients through one relay on 127.0.0.1: what a node sees. */
class RelayServerTest {
    private RelayFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new RelayFixture();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void packetsGoBothWaysWithTheSendersKey() throws Exception {
        PrivateKey a = f.admittedKey();
        PrivateKey b = f.admittedKey();
        Inbox ia = new Inbox();
        Inbox ib = new Inbox();
        RelayClient ca = f.client(a, ia);
        RelayClient cb = f.client(b, ib);
        TestServer.await("both connected", WAIT, () -> ca.isConnected() && cb.isConnected());

        assertTrue(ca.send(b.publicKey(), bytes("xxhello, b"), 2, 8));
        Inbox.Packet p = ib.next(WAIT);
        assertEquals(a.publicKey(), p.src());
        assertArrayEquals(bytes("hello, b"), p.data());

        assertTrue(cb.send(a.publicKey(), ByteBuffer.wrap(bytes("hi a"))));
        Inbox.Packet q = ia.next(WAIT);
        assertEquals(b.publicKey(), q.src());
        assertArrayEquals(bytes("hi a"), q.data());

        RelayStats s = f.stats();
        assertEquals(2, s.clients());
        assertEquals(2, s.packetsRelayed());
        assertEquals(12, s.bytesRelayed());
        assertEquals("test", ca.status().relayName());
        assertEquals(f.relayKey.publicKey(), ca.status().relayKey());
        assertEquals(RelayClient.State.CONNECTED, ca.status().state());
        TestServer.await("sender counted", WAIT, () -> ca.status().packetsSent() == 1);
        assertEquals(1, cb.status().packetsReceived());
        assertEquals(8, cb.status().bytesReceived());
    }

    @Test
    void aBatchQueuedThenFlushedArrivesInOrder() throws Exception {
        PrivateKey b = f.admittedKey();
        Inbox ib = new Inbox();
        RelayClient ca = f.connected(new Inbox());
        RelayClient cb = f.client(b, ib);
        TestServer.await("b connected", WAIT, cb::isConnected);
        for (int i = 0; i < 100; i++) {
            assertTrue(ca.enqueue(b.publicKey(), new byte[] {(byte) i}, 0, 1));
        }
        ca.flush();
        for (int i = 0; i < 100; i++) {
            assertArrayEquals(new byte[] {(byte) i}, ib.next(WAIT).data());
        }
    }

    @Test
    void aLargePacketArrivesWhole() throws Exception {
        PrivateKey b = f.admittedKey();
        Inbox ib = new Inbox();
        RelayClient ca = f.connected(new Inbox());
        RelayClient cb = f.client(b, ib);
        TestServer.await("b connected", WAIT, cb::isConnected);
        byte[] big = new byte[60_000];
        new java.util.Random(7).nextBytes(big);
        assertTrue(ca.send(b.publicKey(), big, 0, big.length));
        assertArrayEquals(big, ib.next(WAIT).data());
    }

    @Test
    void aKeyTheTailnetDoesNotKnowIsRefused() throws Exception {
        Inbox in = new Inbox();
        RelayClient c = f.client(PrivateKey.generate(), in);
        TestServer.await("refusal counted", WAIT, () -> f.stats().admissionRefused() >= 1);
        TestServer.await("client says why", WAIT, () -> c.status().detail().contains("not a current node"));
        assertFalse(c.isConnected());
        assertEquals(0, f.stats().clients());
        assertEquals(0, c.status().connects());
    }

    @Test
    void aClientPinnedToAnotherRelayKeyDoesNotConnect() throws Exception {
        RelayClient c = f.client(f.admittedKey(), new Inbox(),
                RelayFixture.FAST.withExpectedRelayKey(PrivateKey.generate().publicKey()));
        TestServer.await("mismatch reported", WAIT, () -> c.status().detail().contains("not the one in the netmap"));
        assertEquals(0, c.status().connects());
    }

    @Test
    void sendingToAnAbsentPeerSaysPeerGoneNotHere() throws Exception {
        Inbox ia = new Inbox();
        RelayClient ca = f.connected(ia);
        PrivateKey absent = PrivateKey.generate();
        assertTrue(ca.send(absent.publicKey(), new byte[10], 0, 10));
        TestServer.await("peer gone", WAIT, () -> !ia.gone.isEmpty());
        assertEquals(new Inbox.Gone(absent.publicKey(), PeerGoneReason.NOT_HERE), ia.gone.get(0));
        assertEquals(1, f.stats().dropsUnknownDestination());
        // many more packets to the same absent peer: counted, but told once a second at most
        for (int i = 0; i < 50; i++) {
            ca.send(absent.publicKey(), new byte[10], 0, 10);
        }
        TestServer.await("drops counted", WAIT, () -> f.stats().dropsUnknownDestination() == 51);
        assertTrue(ia.gone.size() <= 2, "peer-gone notices: " + ia.gone.size());
    }

    @Test
    void aPeerThatLeavesIsReportedGoneToThoseWhoSentToIt() throws Exception {
        Inbox ia = new Inbox();
        RelayClient ca = f.connected(ia);
        PrivateKey b = f.admittedKey();
        Inbox ib = new Inbox();
        RelayClient cb = f.client(b, ib);
        TestServer.await("b connected", WAIT, cb::isConnected);
        ca.send(b.publicKey(), new byte[4], 0, 4);
        ib.next(WAIT);
        cb.close();
        TestServer.await("peer gone", WAIT, () -> !ia.gone.isEmpty());
        assertEquals(new Inbox.Gone(b.publicKey(), PeerGoneReason.DISCONNECTED), ia.gone.get(0));
        TestServer.await("b unregistered", WAIT, () -> f.stats().clients() == 1);
    }

    @Test
    void pingMeasuresTheRoundTrip() throws Exception {
        RelayClient c = f.connected(new Inbox());
        Duration rtt = c.ping().get(5, TimeUnit.SECONDS);
        assertTrue(rtt.toNanos() > 0 && rtt.compareTo(Duration.ofSeconds(5)) < 0, "rtt " + rtt);
        assertEquals(rtt, c.status().lastPingRtt());
        assertEquals(1, f.stats().pings());
    }

    @Test
    void aSecondConnectionWithTheSameKeyReplacesTheFirst() throws Exception {
        PrivateKey k = f.admittedKey();
        RawRelayConnection first = f.raw();
        first.handshake(k);
        Inbox second = new Inbox();
        RelayClient c2 = f.client(k, second);
        TestServer.await("second connected", WAIT, c2::isConnected);
        assertEquals(dev.tsj.control.relay.proto.RelayProto.HEALTH, first.nextType());
        assertTrue(new String(first.reader.payloadCopy(), StandardCharsets.UTF_8).contains("replaced"));
        assertEquals(-1, first.nextType(), "then the relay hangs up");
        assertEquals(1, f.stats().replacedConnections(), c2.status() + " " + second.states + " " + second.health);
        RelayClient sender = f.connected(new Inbox());
        sender.send(k.publicKey(), bytes("to the new one"), 0, 14);
        assertArrayEquals(bytes("to the new one"), second.next(WAIT).data());
    }

    @Test
    void clientsComeBackAfterTheRelayRestarts() throws Exception {
        PrivateKey a = f.admittedKey();
        PrivateKey b = f.admittedKey();
        Inbox ia = new Inbox();
        Inbox ib = new Inbox();
        RelayClient ca = f.client(a, ia);
        RelayClient cb = f.client(b, ib);
        TestServer.await("both connected", WAIT, () -> ca.isConnected() && cb.isConnected());

        f.stopRelay();
        TestServer.await("both notice", WAIT, () -> !ca.isConnected() && !cb.isConnected());
        Thread.sleep(300);
        long restarted = System.nanoTime();
        f.start();
        TestServer.await("both reconnect within 10 s", Duration.ofSeconds(10),
                () -> ca.isConnected() && cb.isConnected());
        assertTrue(System.nanoTime() - restarted < TimeUnit.SECONDS.toNanos(10));
        assertEquals(2, ca.status().connects());
        assertTrue(ca.send(b.publicKey(), bytes("again"), 0, 5));
        assertArrayEquals(bytes("again"), ib.next(WAIT).data());
        assertTrue(ia.states.contains(RelayClient.State.BACKING_OFF));
    }

    @Test
    void aStalledReceiverOnlyLosesItsOwnPacketsAndNeverHoldsUpOthers() throws Exception {
        PrivateKey stalled = f.admittedKey();
        RawRelayConnection raw = f.raw();
        raw.handshake(stalled); // and then never reads again
        RelayClient blaster = f.connected(new Inbox(false));
        PrivateKey d = f.admittedKey();
        Inbox id = new Inbox();
        RelayClient cd = f.client(d, id);
        RelayClient cc = f.connected(new Inbox());
        TestServer.await("d connected", WAIT, cd::isConnected);

        byte[] packet = new byte[1400];
        long sent = 0;
        while (f.stats().dropsQueueFull() == 0) {
            if (blaster.send(stalled.publicKey(), packet, 0, packet.length)) {
                sent++;
            } else {
                Thread.onSpinWait();
            }
            if (sent > 200_000) {
                throw new AssertionError("the relay never dropped for a receiver that does not read");
            }
        }
        // the relay still relays between others at once, while the stalled queue is full
        assertTrue(cc.send(d.publicKey(), bytes("still here"), 0, 10));
        assertArrayEquals(bytes("still here"), id.next(WAIT).data());
        assertTrue(f.stats().dropsQueueFull() > 0);
    }
}
