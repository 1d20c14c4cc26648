package dev.tsj.crypto;

import static dev.tsj.crypto.WireGuardSpec.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** WireGuard's framing around the Noise core: sizes, indexes, macs, replay and flood limits. */
class HandshakeTest {
    private final StaticIdentity alice = new StaticIdentity(PrivateKey.generate());
    private final StaticIdentity bob = new StaticIdentity(PrivateKey.generate());
    private final PresharedKey psk = PresharedKey.generate();
    private final Instant t0 = Instant.parse("2026-11-22T10:00:00Z");

    private Handshake aliceToBob(PresharedKey k) {
        return new Handshake(alice, bob.publicKey(), k);
    }

    private Handshake bobToAlice(PresharedKey k) {
        return new Handshake(bob, alice.publicKey(), k);
    }

    @Test
    void fullHandshakeYieldsMatchingKeysAndExactSizes() {
        Handshake a = aliceToBob(psk);
        Handshake b = bobToAlice(psk);
        byte[] init = a.createInitiation(0x11223344, t0);
        assertEquals(MESSAGE_INITIATION_SIZE, init.length);
        assertEquals(1, init[0]);
        assertEquals(0, init[1] | init[2] | init[3]);
        assertEquals(0x11223344, Handshake.getIndex(init, OFFSET_SENDER));

        Handshake.Initiation parsed = Handshake.parseInitiation(bob, init);
        assertNotNull(parsed);
        assertEquals(alice.publicKey(), parsed.initiator());
        assertEquals(Handshake.Refusal.NONE, b.acceptInitiation(parsed, 0));
        byte[] resp = b.createResponse(0x55667788);
        assertEquals(MESSAGE_RESPONSE_SIZE, resp.length);
        assertEquals(2, resp[0]);
        assertEquals(0x11223344, Handshake.getIndex(resp, OFFSET_RESPONSE_RECEIVER));
        assertTrue(a.consumeResponse(resp));
        assertEquals(0x55667788, a.initiatorRemoteIndex());

        TransportKeys ka = a.deriveInitiatorKeys();
        TransportKeys kb = b.deriveResponderKeys();
        ByteBuffer buf = ByteBuffer.allocate(256);
        byte[] payload = "hello over wireguard".getBytes();
        buf.put(16, payload);
        int len = Transport.seal(ChaChaPoly.forThread(), ka.send(), a.initiatorRemoteIndex(), 0, buf, 0, payload.length, 1420);
        assertEquals(16 + 32 + 16, len, "20 bytes pad to 32, plus tag and header");
        assertEquals(0x55667788, Transport.receiverIndex(buf, 0));
        int n = Transport.open(ChaChaPoly.forThread(), kb.receive(), Transport.counter(buf, 0), buf, 0, len);
        assertEquals(32, n);
        byte[] back = new byte[payload.length];
        buf.get(16, back);
        assertArrayEquals(payload, back);
    }

    @Test
    void mismatchedPresharedKeyFailsAtTheInitiator() {
        Handshake a = aliceToBob(psk);
        Handshake b = bobToAlice(PresharedKey.generate());
        byte[] init = a.createInitiation(1, t0);
        Handshake.Initiation parsed = Handshake.parseInitiation(bob, init);
        assertEquals(Handshake.Refusal.NONE, b.acceptInitiation(parsed, 0));
        assertFalse(a.consumeResponse(b.createResponse(2)));
        assertNull(a.deriveInitiatorKeys());
    }

    @Test
    void initiationForSomeoneElseDoesNotParse() {
        StaticIdentity carol = new StaticIdentity(PrivateKey.generate());
        byte[] init = aliceToBob(null).createInitiation(1, t0);
        assertNull(Handshake.parseInitiation(carol, init));
    }

    @Test
    void corruptedInitiationDoesNotParse() {
        byte[] init = aliceToBob(null).createInitiation(1, t0);
        for (int off : new int[] {OFFSET_INITIATION_EPHEMERAL, OFFSET_INITIATION_STATIC + 3, OFFSET_INITIATION_TIMESTAMP + 20}) {
            byte[] bad = init.clone();
            bad[off] ^= 1;
            assertNull(Handshake.parseInitiation(bob, bad), "bit flip at " + off);
        }
        assertNull(Handshake.parseInitiation(bob, java.util.Arrays.copyOf(init, 147)));
    }

    @Test
    void replayedInitiationIsRefusedByTimestamp() {
        Handshake a = aliceToBob(null);
        Handshake b = bobToAlice(null);
        byte[] init = a.createInitiation(1, t0);
        assertEquals(Handshake.Refusal.NONE, b.acceptInitiation(Handshake.parseInitiation(bob, init), 0));
        long later = 10_000_000_000L;
        assertEquals(Handshake.Refusal.REPLAYED_TIMESTAMP, b.acceptInitiation(Handshake.parseInitiation(bob, init), later));
        byte[] older = a.createInitiation(2, t0.minusSeconds(1));
        assertEquals(Handshake.Refusal.REPLAYED_TIMESTAMP, b.acceptInitiation(Handshake.parseInitiation(bob, older), later));
        byte[] newer = a.createInitiation(3, t0.plusSeconds(1));
        assertEquals(Handshake.Refusal.NONE, b.acceptInitiation(Handshake.parseInitiation(bob, newer), later));
    }

    @Test
    void moreThanFiftyInitiationsASecondAreRefused() {
        Handshake a = aliceToBob(null);
        Handshake b = bobToAlice(null);
        assertEquals(Handshake.Refusal.NONE,
                b.acceptInitiation(Handshake.parseInitiation(bob, a.createInitiation(1, t0)), 1_000_000_000L));
        // 10 ms later, with a newer timestamp: still a flood.
        assertEquals(Handshake.Refusal.FLOOD, b.acceptInitiation(
                Handshake.parseInitiation(bob, a.createInitiation(2, t0.plusSeconds(1))), 1_010_000_000L));
        assertEquals(Handshake.Refusal.NONE, b.acceptInitiation(
                Handshake.parseInitiation(bob, a.createInitiation(3, t0.plusSeconds(2))), 1_030_000_000L));
    }

    @Test
    void responseWithWrongReceiverIndexIsIgnored() {
        Handshake a = aliceToBob(null);
        Handshake b = bobToAlice(null);
        byte[] init = a.createInitiation(7, t0);
        b.acceptInitiation(Handshake.parseInitiation(bob, init), 0);
        byte[] resp = b.createResponse(9);
        Handshake.putIndex(resp, OFFSET_RESPONSE_RECEIVER, 8);
        assertFalse(a.consumeResponse(resp));
        assertEquals(Handshake.State.INITIATION_CREATED, a.state(), "a stray response must not cost the handshake");
    }

    @Test
    void crossedInitiationsBothComplete() {
        // Both sides initiate at the same moment and each answers the other.
        Handshake a = aliceToBob(psk);
        Handshake b = bobToAlice(psk);
        byte[] fromA = a.createInitiation(1, t0);
        byte[] fromB = b.createInitiation(2, t0);
        assertEquals(Handshake.Refusal.NONE, b.acceptInitiation(Handshake.parseInitiation(bob, fromA), 0));
        assertEquals(Handshake.Refusal.NONE, a.acceptInitiation(Handshake.parseInitiation(alice, fromB), 0));
        byte[] bAnswersA = b.createResponse(3);
        byte[] aAnswersB = a.createResponse(4);
        assertTrue(a.consumeResponse(bAnswersA), "a's own initiation survived answering b's");
        assertTrue(b.consumeResponse(aAnswersB), "and b's survived answering a's");
        TransportKeys aInit = a.deriveInitiatorKeys();
        TransportKeys bResp = b.deriveResponderKeys();
        TransportKeys bInit = b.deriveInitiatorKeys();
        TransportKeys aResp = a.deriveResponderKeys();
        assertNotNull(aInit);
        assertNotNull(bInit);
        ByteBuffer buf = ByteBuffer.allocate(64);
        int len = Transport.seal(ChaChaPoly.forThread(), aInit.send(), 3, 0, buf, 0, 0, 1420);
        assertEquals(0, Transport.open(ChaChaPoly.forThread(), bResp.receive(), 0, buf, 0, len));
        len = Transport.seal(ChaChaPoly.forThread(), bInit.send(), 4, 0, buf, 0, 0, 1420);
        assertEquals(0, Transport.open(ChaChaPoly.forThread(), aResp.receive(), 0, buf, 0, len));
    }

    @Test
    void lowOrderPeerKeyCannotStartAHandshake() {
        Handshake a = new Handshake(alice, new PublicKey(new byte[32]), null);
        assertNull(a.createInitiation(1, t0));
    }

    @Test
    void timestampIsWhitenedAndOrdered() {
        byte[] x = Tai64n.of(Instant.ofEpochSecond(100, 123_456_789));
        byte[] y = Tai64n.of(Instant.ofEpochSecond(100, 123_456_790));
        assertArrayEquals(x, y, "nanoseconds are rounded to 2^24 ns");
        assertEquals(0x40, x[0] & 0xff);
        assertTrue(Tai64n.after(Tai64n.of(Instant.ofEpochSecond(101)), x));
        assertFalse(Tai64n.after(x, x));
    }
}
