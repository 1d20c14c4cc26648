package dev.tsj.daemon.magic;

import static org.junit.jupiter.api.Assertions.*;

import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.PublicKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sealing, opening, and every way a disco packet is refused. */
class DiscoCodecTest {
    private final DiscoCodec alice = new DiscoCodec(PrivateKey.generate());
    private final DiscoCodec bob = new DiscoCodec(PrivateKey.generate());
    private final PublicKey nodeKey = PrivateKey.generate().publicKey();
    private final InetSocketAddress v4 = new InetSocketAddress(InetAddress.ofLiteral("198.18.0.7"), 41641);
    private final InetSocketAddress v6 = new InetSocketAddress(InetAddress.ofLiteral("2001:db8::7"), 5);

    private DiscoCodec.Opened bobOpens(byte[] p) {
        return bob.open(p, p.length, k -> k.equals(alice.publicKey()));
    }

    @Test
    void everyMessageRoundTrips() {
        byte[] txid = new byte[12];
        txid[3] = 9;
        for (DiscoMessage m : List.of(new DiscoMessage.Ping(txid, nodeKey), new DiscoMessage.Pong(txid, v4),
                new DiscoMessage.Pong(txid, v6), new DiscoMessage.CallMeMaybe(List.of(v4, v6)))) {
            byte[] p = alice.seal(bob.publicKey(), m);
            assertTrue(DiscoCodec.looksLikeDisco(p, p.length));
            DiscoCodec.Opened o = bobOpens(p);
            assertNotNull(o, m.toString());
            assertEquals(alice.publicKey(), o.sender());
            switch (o.message()) {
                case DiscoMessage.Ping ping -> assertEquals(nodeKey, ping.nodeKey());
                case DiscoMessage.Pong pong -> assertEquals(((DiscoMessage.Pong) m).observed(), pong.observed());
                case DiscoMessage.CallMeMaybe c -> assertEquals(List.of(v4, v6), c.endpoints());
            }
        }
    }

    @Test
    void replayedUnknownTamperedAndTruncatedAreDroppedAndCounted() {
        byte[] p = alice.seal(bob.publicKey(), new DiscoMessage.CallMeMaybe(List.of(v4)));
        assertNotNull(bobOpens(p));
        assertNull(bobOpens(p));
        assertEquals(1, bob.droppedReplay.sum());
        byte[] q = alice.seal(bob.publicKey(), new DiscoMessage.CallMeMaybe(List.of(v4)));
        assertNull(bob.open(q, q.length, k -> false));
        assertEquals(1, bob.droppedUnknownKey.sum());
        q[q.length - 3] ^= 1;
        assertNull(bobOpens(q));
        assertNull(bobOpens(java.util.Arrays.copyOf(q, 40)));
        assertEquals(2, bob.droppedMalformed.sum());
        // A third party that knows bob's key but forges alice's name fails authentication.
        DiscoCodec mallory = new DiscoCodec(PrivateKey.generate());
        byte[] forged = mallory.seal(bob.publicKey(), new DiscoMessage.CallMeMaybe(List.of(v4)));
        System.arraycopy(alice.publicKey().bytes(), 0, forged, DiscoCodec.MAGIC.length, 32);
        assertNull(bobOpens(forged));
    }

    @Test
    void wireguardAndStunPacketsAreNotDisco() {
        byte[] wg = new byte[148];
        wg[0] = 1;
        assertFalse(DiscoCodec.looksLikeDisco(wg, wg.length));
        byte[] stun = new byte[100];
        stun[1] = 1;
        stun[4] = 0x21;
        stun[5] = 0x12;
        stun[6] = (byte) 0xa4;
        stun[7] = 0x42;
        assertFalse(DiscoCodec.looksLikeDisco(stun, stun.length));
    }

    @Test
    void malformedPlaintextIsRejected() {
        assertNull(DiscoMessage.decode(new byte[] {1}));
        assertNull(DiscoMessage.decode(new byte[] {9, 0}));
        assertNull(DiscoMessage.decode(new byte[] {3, 0, 1, 2, 3}), "call-me-maybe not a multiple of 18");
        byte[] zeroPort = DiscoMessage.encode(new DiscoMessage.CallMeMaybe(List.of(v4)));
        zeroPort[zeroPort.length - 1] = 0;
        zeroPort[zeroPort.length - 2] = 0;
        assertNull(DiscoMessage.decode(zeroPort));
    }
}
