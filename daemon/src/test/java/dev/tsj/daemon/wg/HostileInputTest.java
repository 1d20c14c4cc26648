package dev.tsj.daemon.wg;

import static org.junit.jupiter.api.Assertions.*;

import dev.tsj.crypto.CookieGenerator;
import dev.tsj.crypto.Handshake;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.StaticIdentity;
import dev.tsj.crypto.WireGuardSpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an attacker on the path can send: replays, truncations, bit flips, packets under
 * keys the device never agreed, and a flood of initiations. Each is dropped and counted,
 * and the real session carries on. A sits behind a {@link UdpTap} so the test holds real
 * messages from the address B trusts.
 */
class HostileInputTest {
    private final ManualClock clock = new ManualClock();
    private TestNode a;
    private TestNode b;
    private UdpTap tap;

    @BeforeEach
    void setUp() throws Exception {
        a = new TestNode(PrivateKey.generate(), 1, clock);
        b = new TestNode(PrivateKey.generate(), 2, clock);
        tap = new UdpTap(b.endpoint());
        a.connect(b, tap.address());
        b.connect(a, a.endpoint());
        DeviceTest.roundTrip(a, b, 1, 0);
        DeviceTest.roundTrip(b, a, 1, 0);
        DeviceTest.roundTrip(a, b, 1, 1);
    }

    @AfterEach
    void tearDown() {
        tap.close();
        a.close();
        b.close();
    }

    private byte[] lastTransportTowardB() {
        for (int i = tap.towardB.size() - 1; i >= 0; i--) {
            byte[] m = tap.towardB.get(i);
            if (m[0] == WireGuardSpec.MESSAGE_TRANSPORT_TYPE && m.length > 32) {
                return m;
            }
        }
        throw new AssertionError("no transport message seen");
    }

    private static void awaitIncrease(LongSupplier counter, long before) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (counter.getAsLong() == before && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(before + 1, counter.getAsLong());
    }

    private void assertNothingDeliveredAndSessionAlive() throws Exception {
        assertNull(b.tun.takeWritten(Duration.ofMillis(100)), "nothing reached b's TUN");
        DeviceTest.roundTrip(a, b, 7, System.nanoTime());
    }

    @Test
    void replayedPacketIsDropped() throws Exception {
        byte[] m = lastTransportTowardB();
        long before = b.device.counters().droppedReplay();
        tap.inject(m);
        awaitIncrease(() -> b.device.counters().droppedReplay(), before);
        assertNothingDeliveredAndSessionAlive();
    }

    @Test
    void truncatedPacketsAreDropped() throws Exception {
        byte[] m = lastTransportTowardB();
        long before = b.device.counters().droppedDecrypt();
        tap.inject(Arrays.copyOf(m, m.length - 1));
        awaitIncrease(() -> b.device.counters().droppedDecrypt(), before);
        long malformed = b.device.counters().droppedMalformed();
        tap.inject(Arrays.copyOf(m, 20));
        awaitIncrease(() -> b.device.counters().droppedMalformed(), malformed);
        assertNothingDeliveredAndSessionAlive();
    }

    @Test
    void corruptedPacketIsDropped() throws Exception {
        byte[] m = lastTransportTowardB().clone();
        m[m.length - 20] ^= 0x40;
        long before = b.device.counters().droppedDecrypt();
        tap.inject(m);
        awaitIncrease(() -> b.device.counters().droppedDecrypt(), before);
        assertNothingDeliveredAndSessionAlive();
    }

    @Test
    void packetUnderAnotherKeyIsDropped() throws Exception {
        // A stranger that knows b's public key completes no handshake (b does not know it),
        // and a transport message it seals under its own keys fails authentication.
        TestNode stranger = new TestNode(PrivateKey.generate(), 9, clock);
        try {
            Peer p = stranger.connect(b, b.endpoint());
            long processed = b.device.counters().handshakesProcessed();
            stranger.tun.inject(TestPackets.udp(stranger.ip4, b.ip4, 1, 1, 100));
            awaitIncrease(() -> b.device.counters().handshakesProcessed(), processed);
            assertFalse(p.hasSession(clock.nanoTime()));
            byte[] forged = lastTransportTowardB().clone();
            for (int i = 16; i < forged.length; i++) {
                forged[i] = (byte) (forged[i] * 31 + 7);
            }
            long before = b.device.counters().droppedDecrypt();
            tap.inject(forged);
            awaitIncrease(() -> b.device.counters().droppedDecrypt(), before);
            assertNothingDeliveredAndSessionAlive();
        } finally {
            stranger.close();
        }
    }

    @Test
    void garbageOfEveryTypeIsDropped() throws Exception {
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < 2000; i++) {
            byte[] g = new byte[r.nextInt(200)];
            r.nextBytes(g);
            if (g.length > 0) {
                g[0] = (byte) (1 + r.nextInt(5));
            }
            if (g.length > 4 && r.nextBoolean()) {
                g[1] = g[2] = g[3] = 0;
            }
            tap.inject(g);
        }
        assertNothingDeliveredAndSessionAlive();
    }

    @Test
    void initiationFloodGetsCookiesAndBoundedWork() throws Exception {
        // Initiations with a valid mac1 (the flooder knows b's public key) but no mac2,
        // as fast as a socket sends them. Past 128 queued the device is under load: it
        // answers with cookie replies instead of doing Diffie-Hellman.
        StaticIdentity flooder = new StaticIdentity(PrivateKey.generate());
        Handshake hs = new Handshake(flooder, b.publicKey(), null);
        CookieGenerator macs = new CookieGenerator(b.publicKey());
        byte[] init = hs.createInitiation(1234, clock.wallTime());
        macs.addMacs(init, 0);
        long processedBefore = b.device.counters().handshakesProcessed();
        int flood = 20_000;
        for (int i = 0; i < flood; i++) {
            tap.inject(init);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (b.device.counters().cookieRepliesSent() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(b.device.counters().cookieRepliesSent() > 0, "under load, b answers with cookies");
        long processed = b.device.counters().handshakesProcessed() - processedBefore;
        assertTrue(processed < flood / 4, "expensive handshake work stays bounded: " + processed + " of " + flood);
        // The established session is unaffected (the flood's cookie replies may still fill
        // the tap's socket for a moment, hence the retries).
        DeviceTest.roundTripWithRetries(a, b, 8);
        DeviceTest.roundTripWithRetries(b, a, 8);
    }

    @Test
    void underLoadARealPeerStillHandshakesWithItsCookie() throws Exception {
        b.device.handshakes.setForceUnderLoad(true);
        try {
            Peer aSeesB = a.device.peer(b.publicKey());
            Keypair old = aSeesB.current;
            clock.advance(Duration.ofSeconds(181)); // old keys expire: a must handshake again
            DeviceTest.roundTrip(a, b, 9, 0); // first initiation gets a cookie; the retry carries mac2
            assertNotSame(old, aSeesB.current);
            assertTrue(b.device.counters().cookieRepliesSent() > 0);
        } finally {
            b.device.handshakes.setForceUnderLoad(false);
        }
    }
}
