package dev.tsj.tun.offload;

import static org.junit.jupiter.api.Assertions.*;

import dev.tsj.tun.testing.ReferenceChecksum;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InternetChecksumTest {
    @Test
    void matchesTheReferenceForEveryLengthOffsetAndByteOrder() {
        Random r = new Random(42);
        byte[] data = new byte[300];
        r.nextBytes(data);
        for (ByteBuffer b : new ByteBuffer[] {ByteBuffer.allocate(310), ByteBuffer.allocateDirect(310),
                ByteBuffer.allocateDirect(310).order(ByteOrder.LITTLE_ENDIAN)}) {
            for (int at = 0; at < 6; at++) {
                b.put(at, data);
                for (int len = 0; len <= 300; len++) {
                    int expected = ReferenceChecksum.onesSum(data, 0, len, 0);
                    assertEquals(expected, InternetChecksum.fold(InternetChecksum.add(0, b, at, len)),
                            "len " + len + " at " + at + " " + b);
                }
            }
        }
    }

    @Test
    void allOnesDataDoesNotOverflow() {
        ByteBuffer b = ByteBuffer.allocateDirect(65534);
        for (int i = 0; i < b.capacity(); i++) b.put(i, (byte) 0xff);
        long sum = InternetChecksum.add(0, b, 0, 65534);
        for (int i = 0; i < 100; i++) sum = InternetChecksum.add(sum, b, 0, 65534);
        assertEquals(0xffff, InternetChecksum.fold(sum));
    }

    @Test
    void rfc1071Example() {
        // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2.
        ByteBuffer b = ByteBuffer.wrap(new byte[] {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7});
        assertEquals(0xddf2, InternetChecksum.fold(InternetChecksum.add(0, b, 0, 8)));
        assertEquals(0x220d, InternetChecksum.finish(InternetChecksum.add(0, b, 0, 8)));
    }
}
