package dev.tsj.crypto;

import java.security.MessageDigest;

/** Comparisons that take the same time whatever the data, for MACs, tags and keys. */
public final class ConstantTime {
    private ConstantTime() {}

    /** Equal length and equal contents; the time depends only on the length. */
    public static boolean equals(byte[] a, byte[] b) {
        // MessageDigest.isEqual has been constant-time since JDK 6u17.
        return MessageDigest.isEqual(a, b);
    }

    /** Compares {@code len} bytes of {@code a} at {@code aOff} with {@code b} at {@code bOff}. */
    public static boolean equals(byte[] a, int aOff, byte[] b, int bOff, int len) {
        int diff = 0;
        for (int i = 0; i < len; i++) {
            diff |= a[aOff + i] ^ b[bOff + i];
        }
        return diff == 0;
    }

    /** True when every byte is zero; constant-time in the length. */
    public static boolean isZero(byte[] a) {
        int acc = 0;
        for (byte x : a) {
            acc |= x;
        }
        return acc == 0;
    }
}
