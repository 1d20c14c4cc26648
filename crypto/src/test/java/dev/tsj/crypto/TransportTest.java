package dev.tsj.crypto;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Padding, header layout and in-place sealing on heap and direct buffers. */
class TransportTest {
    private final AeadKey key = new AeadKey(new byte[32]);

    @Test
    void paddingFollowsWireguardGo() {
        assertEquals(0, Transport.paddedLength(0, 1420), "keepalives carry nothing");
        assertEquals(16, Transport.paddedLength(1, 1420));
        assertEquals(32, Transport.paddedLength(17, 1420));
        assertEquals(1420, Transport.paddedLength(1419, 1420), "never past the MTU");
        assertEquals(1420, Transport.paddedLength(1420, 1420));
        assertEquals(1436, Transport.paddedLength(1424, 1420), "past the MTU only the last MTU-sized unit pads");
    }

    @Test
    void headerIsLittleEndianAndCounterRoundTrips() {
        ByteBuffer b = ByteBuffer.allocate(64);
        int len = Transport.seal(new ChaChaPoly(), key, 0x01020304, 0x0a0b0c0d0e0f1011L, b, 0, 0, 1420);
        assertEquals(32, len, "a keepalive is header plus tag");
        assertEquals(4, b.get(0));
        assertEquals(0x04, b.get(4));
        assertEquals(0x01020304, Transport.receiverIndex(b, 0));
        assertEquals(0x0a0b0c0d0e0f1011L, Transport.counter(b, 0));
        assertEquals(0, Transport.open(new ChaChaPoly(), key, 0x0a0b0c0d0e0f1011L, b, 0, len));
    }

    @Test
    void directAndHeapBuffersProduceTheSameBytes() {
        byte[] payload = new byte[1000];
        new java.util.Random(1).nextBytes(payload);
        ByteBuffer heap = ByteBuffer.allocate(1100);
        ByteBuffer direct = ByteBuffer.allocateDirect(1100);
        heap.put(32 + 16, payload);
        direct.put(32 + 16, payload);
        ChaChaPoly aead = new ChaChaPoly();
        int a = Transport.seal(aead, key, 5, 9, heap, 32, 1000, 1420);
        int b = Transport.seal(aead, key, 5, 10, direct, 32, 1000, 1420);
        assertEquals(a, b);
        // Different counters: ciphertexts differ, both open.
        assertEquals(1008, Transport.open(aead, key, 9, heap, 32, a));
        assertEquals(1008, Transport.open(aead, key, 10, direct, 32, b));
        byte[] back = new byte[1000];
        direct.get(48, back);
        assertArrayEquals(payload, back);
    }

    @Test
    void wrongKeyCounterOrTamperingFailsToOpen() {
        ByteBuffer b = ByteBuffer.allocate(200);
        int len = Transport.seal(new ChaChaPoly(), key, 1, 7, b, 0, 100, 1420);
        ByteBuffer copy = ByteBuffer.allocate(200).put(0, b, 0, 200);
        assertEquals(-1, Transport.open(new ChaChaPoly(), key, 8, copy, 0, len), "wrong counter");
        copy = ByteBuffer.allocate(200).put(0, b, 0, 200);
        byte[] other = new byte[32];
        other[0] = 1;
        assertEquals(-1, Transport.open(new ChaChaPoly(), new AeadKey(other), 7, copy, 0, len), "wrong key");
        copy = ByteBuffer.allocate(200).put(0, b, 0, 200);
        copy.put(40, (byte) (copy.get(40) ^ 1));
        assertEquals(-1, Transport.open(new ChaChaPoly(), key, 7, copy, 0, len), "bit flip");
        assertEquals(-1, Transport.open(new ChaChaPoly(), key, 7, b, 0, 20), "truncated below the minimum");
    }
}
