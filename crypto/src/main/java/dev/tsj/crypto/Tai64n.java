package dev.tsj.crypto;

import java.time.Instant;

/**
 * TAI64N timestamps (12 bytes: big-endian seconds since 1970 plus 2^62 + 10, then
 * big-endian nanoseconds) as sent in handshake initiations. The nanoseconds are rounded
 * down to a multiple of 2^24 (about 16 ms), as wireguard-go does, so the timestamp does
 * not reveal the host's precise clock while staying monotonic for replay protection.
 */
public final class Tai64n {
    private Tai64n() {}

    private static final long TAI64_BASE = (1L << 62) + 10;
    private static final int WHITENER_MASK = (1 << 24) - 1;

    public static byte[] of(Instant t) {
        byte[] out = new byte[WireGuardSpec.TIMESTAMP_SIZE];
        long secs = TAI64_BASE + t.getEpochSecond();
        int nanos = t.getNano() & ~WHITENER_MASK;
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (secs >>> (56 - 8 * i));
        }
        for (int i = 0; i < 4; i++) {
            out[8 + i] = (byte) (nanos >>> (24 - 8 * i));
        }
        return out;
    }

    /** True if {@code a} is strictly later than {@code b} (unsigned big-endian comparison). */
    public static boolean after(byte[] a, byte[] b) {
        return java.util.Arrays.compareUnsigned(a, b) > 0;
    }
}
