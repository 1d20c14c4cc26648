package dev.tsj.daemon.magic;

import static org.junit.jupiter.api.Assertions.*;

import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.PublicKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Two MagicSocks on a simulated network: UDP datagrams queue between them (or vanish when
 * UDP is "blocked"); the relay always delivers. They must start relayed, find the direct
 * path through call-me-maybe and pings, and fall back when UDP breaks.
 */
class MagicSockTest {
    private static final long MS = 1_000_000L;

    private record Datagram(InetSocketAddress from, InetSocketAddress to, byte[] data) {}

    private final AtomicLong now = new AtomicLong();
    private final AtomicBoolean udpBlocked = new AtomicBoolean();
    private final ArrayDeque<Datagram> wire = new ArrayDeque<>();
    private final InetSocketAddress addrA = new InetSocketAddress(InetAddress.ofLiteral("198.18.0.1"), 41641);
    private final InetSocketAddress addrB = new InetSocketAddress(InetAddress.ofLiteral("198.18.0.2"), 41641);
    private final PublicKey nodeA = PrivateKey.generate().publicKey();
    private final PublicKey nodeB = PrivateKey.generate().publicKey();
    private MagicSock a;
    private MagicSock b;
    private final AtomicLong relayed = new AtomicLong();

    private MagicSock sock(PublicKey self, InetSocketAddress at) {
        return new MagicSock(PrivateKey.generate(), self, (to, data) -> {
            if (!udpBlocked.get()) {
                wire.add(new Datagram(at, to, data));
            }
        }, now::get);
    }

    private RelayLink relayTo(java.util.function.Supplier<MagicSock> other, PublicKey otherKey) {
        return new RelayLink() {
            @Override
            public boolean send(int region, PublicKey dst, byte[] p, int off, int len) {
                assertEquals(otherKey, dst);
                relayed.incrementAndGet();
                other.get().onRelayDisco(dst.equals(nodeA) ? nodeB : nodeA, java.util.Arrays.copyOfRange(p, off, off + len), len);
                return true;
            }

            @Override
            public int homeRelay() {
                return 1;
            }
        };
    }

    private void setUp() {
        a = sock(nodeA, addrA);
        b = sock(nodeB, addrB);
        a.setRelay(relayTo(() -> b, nodeB));
        b.setRelay(relayTo(() -> a, nodeA));
        a.setOurEndpoints(List.of(addrA));
        b.setOurEndpoints(List.of(addrB));
        a.setPeers(List.of(new MagicSock.PeerInfo(nodeB, b.discoPublicKey(), List.of(addrB), 1)));
        b.setPeers(List.of(new MagicSock.PeerInfo(nodeA, a.discoPublicKey(), List.of(addrA), 1)));
    }

    /** Advances time in 100 ms steps for {@code ms}, delivering datagrams and ticking both sides. */
    private void run(long ms) {
        for (long t = 0; t < ms; t += 100) {
            now.addAndGet(100 * MS);
            a.noteTraffic(nodeB);
            b.noteTraffic(nodeA);
            a.tick();
            b.tick();
            Datagram d;
            while ((d = wire.poll()) != null) {
                MagicSock dst = d.to().equals(addrA) ? a : b;
                dst.onUdp(d.data(), d.data().length, d.from());
            }
        }
    }

    @Test
    void startRelayedThenGoDirect() {
        setUp();
        assertNull(a.direct(nodeB), "nothing proven yet");
        run(300);
        assertEquals(addrB, a.direct(nodeB));
        assertEquals(addrA, b.direct(nodeA));
        assertTrue(relayed.get() > 0, "call-me-maybe went through the relay");
    }

    @Test
    void blockedUdpFallsBackToTheRelayWithinFiveSecondsAndRecovers() {
        setUp();
        run(300);
        assertNotNull(a.direct(nodeB));
        udpBlocked.set(true);
        long t0 = now.get();
        while (a.direct(nodeB) != null && now.get() - t0 < 10_000 * MS) {
            run(100);
        }
        assertNull(a.direct(nodeB));
        assertTrue(now.get() - t0 <= 5_000 * MS, "relayed after " + (now.get() - t0) / MS + " ms");
        udpBlocked.set(false);
        t0 = now.get();
        while (a.direct(nodeB) == null && now.get() - t0 < 70_000 * MS) {
            run(100);
        }
        assertNotNull(a.direct(nodeB), "direct again");
        assertTrue(now.get() - t0 <= 60_000 * MS);
    }

    @Test
    void strangersAndForgeriesAreIgnored() {
        setUp();
        MagicSock mallory = sock(PrivateKey.generate().publicKey(), new InetSocketAddress(InetAddress.ofLiteral("198.18.0.66"), 1));
        byte[] forged = mallory.codec().seal(a.discoPublicKey(), new DiscoMessage.CallMeMaybe(List.of(addrB)));
        assertTrue(a.onUdp(forged, forged.length, addrB), "it is disco, so it is consumed");
        assertEquals(1, a.codec().droppedUnknownKey.sum());
        byte[] wg = new byte[148];
        wg[0] = 1;
        assertFalse(a.onUdp(wg, wg.length, addrB), "WireGuard passes through");
    }

    @Test
    void aReplayedPingFromElsewhereIsCountedAndNotAnswered() {
        setUp();
        now.addAndGet(100 * MS);
        a.noteTraffic(nodeB);
        a.tick();
        Datagram ping = wire.stream().filter(d -> d.to().equals(addrB) && DiscoCodec.looksLikeDisco(d.data(), d.data().length))
                .findFirst().orElseThrow(() -> new AssertionError("a pinged b"));
        wire.clear();
        assertTrue(b.onUdp(ping.data(), ping.data().length, ping.from()));
        assertTrue(wire.stream().anyMatch(d -> d.to().equals(addrA)), "the genuine ping is answered");
        wire.clear();
        // Someone who captured it sends it again from their own address: a pong there would
        // tell them b's disco is alive and make b probe them as a candidate.
        InetSocketAddress evil = new InetSocketAddress(InetAddress.ofLiteral("198.18.0.66"), 4444);
        assertTrue(b.onUdp(ping.data(), ping.data().length, evil), "it is disco, so it is consumed");
        assertEquals(1, b.codec().droppedReplay.sum());
        assertTrue(wire.stream().noneMatch(d -> d.to().equals(evil)), "nothing is sent to the replayer: " + wire);
    }

    @Test
    void junkThroughTheRelayIsCountedAndChangesNothing() {
        setUp();
        java.util.Random r = new java.util.Random(5);
        byte[] unknown = withMagic(new byte[100], r);
        assertTrue(a.onRelayDisco(nodeB, unknown, unknown.length), "disco magic: consumed, not passed to WireGuard");
        assertEquals(1, a.codec().droppedUnknownKey.sum());
        // B's real disco key with a made-up nonce and box: a known sender, but it does not authenticate.
        byte[] forged = withMagic(new byte[32 + 24 + 60], r);
        System.arraycopy(b.discoPublicKey().bytes(), 0, forged, DiscoCodec.MAGIC.length, 32);
        assertTrue(a.onRelayDisco(nodeB, forged, forged.length));
        assertTrue(a.onUdp(forged, forged.length, addrB));
        assertEquals(2, a.codec().droppedMalformed.sum());
        assertNull(a.direct(nodeB), "junk proves no path");
        byte[] tooShort = java.util.Arrays.copyOf(DiscoCodec.MAGIC, DiscoCodec.MAGIC.length + 3);
        assertFalse(a.onRelayDisco(nodeB, tooShort, tooShort.length), "too short for disco: left to WireGuard, which drops it");
    }

    /** The disco magic followed by {@code rest} filled with random bytes. */
    private static byte[] withMagic(byte[] rest, java.util.Random r) {
        r.nextBytes(rest);
        byte[] out = java.util.Arrays.copyOf(DiscoCodec.MAGIC, DiscoCodec.MAGIC.length + rest.length);
        System.arraycopy(rest, 0, out, DiscoCodec.MAGIC.length, rest.length);
        return out;
    }
}
