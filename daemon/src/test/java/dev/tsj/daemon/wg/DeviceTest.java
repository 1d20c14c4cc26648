package dev.tsj.daemon.wg;

import static org.junit.jupiter.api.Assertions.*;

import dev.tsj.crypto.PrivateKey;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two devices in one JVM over real UDP sockets on 127.0.0.1, with in-memory packet
 * devices in place of TUNs: the whole engine (handshake, timers, transport, cryptokey
 * routing) with nothing faked but the TUN.
 */
class DeviceTest {
    private final ManualClock clock = new ManualClock();
    private TestNode a;
    private TestNode b;
    private Peer aSeesB;
    private Peer bSeesA;

    @BeforeEach
    void setUp() throws Exception {
        a = node(PrivateKey.generate(), 1);
        b = node(PrivateKey.generate(), 2);
        aSeesB = a.connect(b, b.endpoint());
        bSeesA = b.connect(a, a.endpoint());
    }

    /** Crypto worker threads per device: the configured default here; subclasses pick others. */
    int cryptoWorkers() {
        return CryptoWorkers.configuredCount();
    }

    private TestNode node(PrivateKey key, int hostNumber) throws java.io.IOException {
        return new TestNode(key, hostNumber, clock, cryptoWorkers());
    }

    @AfterEach
    void tearDown() {
        a.close();
        b.close();
    }

    /** Sends one packet src -> dst and waits until it comes out of dst's TUN. */
    static byte[] roundTrip(TestNode src, TestNode dst, int flow, long seq) throws Exception {
        src.tun.inject(TestPackets.udp(src.ip4, dst.ip4, flow, seq, 100));
        // A liveness bound, not a speed claim: generous, for a CI machine under load.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            byte[] p = dst.tun.takeWritten(Duration.ofMillis(200));
            if (p != null && TestPackets.flow(p) == flow && TestPackets.seq(p) == seq) {
                return p;
            }
        }
        fail("packet " + flow + "/" + seq + " never arrived at " + dst.tun.name());
        return null;
    }

    /**
     * Like {@link #roundTrip} but re-sends every half second, as a transport protocol
     * would: for checks right after a flood, when the loopback socket buffers on the path
     * may still be dropping datagrams.
     */
    static void roundTripWithRetries(TestNode src, TestNode dst, int flow) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (long seq = 0; System.nanoTime() < deadline; seq++) {
            src.tun.inject(TestPackets.udp(src.ip4, dst.ip4, flow, seq, 100));
            long until = System.nanoTime() + Duration.ofMillis(500).toNanos();
            while (System.nanoTime() < until) {
                byte[] p = dst.tun.takeWritten(Duration.ofMillis(100));
                if (p != null && TestPackets.flow(p) == flow) {
                    return;
                }
            }
        }
        fail("no packet of flow " + flow + " reached " + dst.tun.name());
    }

    @Test
    void handshakeThenHundredThousandPacketsEachWayInOrder() throws Exception {
        roundTrip(a, b, 99, 0);
        roundTrip(b, a, 99, 0);
        assertNotNull(aSeesB.lastHandshake());
        int perDirection = 100_000;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] threads = {
            streamer(a, b, perDirection, failure), streamer(b, a, perDirection, failure)
        };
        for (Thread t : threads) {
            t.start();
        }
        for (Thread t : threads) {
            t.join(120_000);
            assertFalse(t.isAlive(), "transfer did not finish");
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(0, a.tun.droppedWrites() + b.tun.droppedWrites());
        assertTrue(aSeesB.txBytes() > perDirection * 100L && aSeesB.rxBytes() > perDirection * 100L);
    }

    /**
     * Streams {@code count} packets of mixed sizes over four flows (IPv4 and IPv6) from
     * src to dst and checks each arrives once, intact, in order within its flow. Paced by
     * a window of packets in flight so the kernel's socket buffers never overflow: the
     * point is that the engine itself loses nothing.
     */
    private static Thread streamer(TestNode src, TestNode dst, int count, AtomicReference<Throwable> failure) {
        return new Thread(() -> {
            try {
                AtomicLong received = new AtomicLong();
                Thread reader = new Thread(() -> {
                    long[] next = new long[4];
                    try {
                        while (received.get() < count) {
                            byte[] p = dst.tun.takeWritten(Duration.ofSeconds(10));
                            if (p == null) {
                                throw new AssertionError("stalled after " + received.get() + " packets");
                            }
                            int flow = TestPackets.flow(p);
                            long seq = TestPackets.seq(p);
                            if (seq != next[flow]) {
                                throw new AssertionError("flow " + flow + ": expected seq " + next[flow] + ", got " + seq);
                            }
                            if (!TestPackets.intact(p)) {
                                throw new AssertionError("flow " + flow + " seq " + seq + " corrupted");
                            }
                            next[flow]++;
                            received.incrementAndGet();
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                });
                reader.start();
                long[] seq = new long[4];
                int[] sizes = {60, 576, 1420, 1280, 200, 1400, 40, 999};
                for (int i = 0; i < count && failure.get() == null; i++) {
                    while (i - received.get() > 512 && failure.get() == null && reader.isAlive()) {
                        Thread.onSpinWait();
                    }
                    int flow = i % 4;
                    boolean v6 = flow >= 2;
                    InetAddress s = v6 ? src.ip6 : src.ip4;
                    InetAddress d = v6 ? dst.ip6 : dst.ip4;
                    src.tun.inject(TestPackets.udp(s, d, flow, seq[flow]++, sizes[i % sizes.length]));
                }
                reader.join(60_000);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        });
    }

    @Test
    void rekeysAfter120SecondsWithoutDroppingTraffic() throws Exception {
        roundTrip(a, b, 1, 0);
        Keypair first = aSeesB.current;
        assertNotNull(first);
        assertTrue(first.initiator, "a sent first, so a initiated");
        clock.advance(Duration.ofSeconds(121));
        // Old keys still carry traffic while the new handshake runs; every packet arrives.
        for (int i = 1; i <= 50; i++) {
            roundTrip(a, b, 1, i);
            roundTrip(b, a, 2, i);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (aSeesB.current == first && System.nanoTime() < deadline) {
            roundTrip(a, b, 3, System.nanoTime());
        }
        assertNotSame(first, aSeesB.current, "a new session replaced the 120-second-old one");
        assertTrue(first.destroyed() || aSeesB.previous == first, "old keys kept only as 'previous'");
        roundTrip(b, a, 4, 0);
    }

    @Test
    void packetsAfterKeysExpireWaitForAFreshHandshake() throws Exception {
        roundTrip(a, b, 1, 0);
        Keypair first = aSeesB.current;
        clock.advance(Duration.ofSeconds(181));
        assertFalse(aSeesB.hasSession(clock.nanoTime()));
        roundTrip(a, b, 1, 1); // staged, handshake, then delivered
        assertNotSame(first, aSeesB.current);
    }

    @Test
    void recoversAfterOnePeerRestartsWithTheSameKey() throws Exception {
        roundTrip(a, b, 1, 0);
        roundTrip(b, a, 1, 0);
        PrivateKey bKey = b.key;
        b.close();
        b = node(bKey, 2);
        bSeesA = b.connect(a, a.endpoint());
        // The restarted b has no session; its first packet starts a handshake that a
        // accepts (newer timestamp) and a learns b's new port from it.
        roundTrip(b, a, 2, 0);
        roundTrip(a, b, 2, 1);
        assertEquals(b.device.listenPort(), aSeesB.endpoint().getPort());
    }

    @Test
    void followsThePeerWhenItsPortChanges() throws Exception {
        roundTrip(a, b, 1, 0);
        int oldPort = b.device.listenPort();
        int newPort = b.device.listen(0);
        assertNotEquals(oldPort, newPort);
        roundTrip(b, a, 1, 1);
        assertEquals(newPort, aSeesB.endpoint().getPort(), "a follows b's latest authenticated source");
        roundTrip(a, b, 1, 2);
    }

    @Test
    void persistentKeepaliveKeepsTrafficFlowingWithoutData() throws Exception {
        roundTrip(a, b, 1, 0);
        long rx = bSeesA.rxBytes();
        a.device.setPersistentKeepalive(aSeesB, 1);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (bSeesA.rxBytes() < rx + 64 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(bSeesA.rxBytes() >= rx + 64, "at least two 32-byte keepalives arrived");
    }

    @Test
    void packetFromAnAddressThePeerDoesNotOwnIsDropped() throws Exception {
        roundTrip(a, b, 1, 0);
        long before = b.device.counters().droppedSourceNotAllowed();
        // a sends with a source b does not route to a: spoofing inside the tunnel.
        a.tun.inject(TestPackets.udp(TestPackets.ip("100.64.0.77"), b.ip4, 1, 1, 100));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (b.device.counters().droppedSourceNotAllowed() == before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(before + 1, b.device.counters().droppedSourceNotAllowed());
        assertNull(b.tun.takeWritten(Duration.ofMillis(200)));
    }
}
