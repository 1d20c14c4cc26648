package dev.tsj.crypto;

import java.util.Arrays;

/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha), which WireGuard uses only to encrypt
 * cookies in cookie replies: HChaCha20 turns the key and the first 16 nonce bytes into a
 * subkey, then ChaCha20-Poly1305 runs with nonce = 4 zero bytes || the last 8 nonce bytes.
 * Neither the JDK nor BouncyCastle offers HChaCha20, so it is written out here.
 */
public final class XChaChaPoly {
    private XChaChaPoly() {}

    public static final int NONCE_SIZE = 24;

    /** Seals {@code plaintext}; returns ciphertext || tag. */
    public static byte[] seal(byte[] key, byte[] nonce24, byte[] plaintext, byte[] ad) {
        byte[] subkey = hChaCha20(key, nonce24);
        AeadKey sub = new AeadKey(subkey);
        Arrays.fill(subkey, (byte) 0);
        try {
            byte[] out = new byte[plaintext.length + ChaChaPoly.TAG_SIZE];
            new ChaChaPoly().sealWithNonce(sub, innerNonce(nonce24), ad, plaintext, 0, plaintext.length, out, 0);
            return out;
        } finally {
            sub.destroy();
        }
    }

    /** Opens ciphertext || tag; returns the plaintext or null if the tag is wrong. */
    public static byte[] open(byte[] key, byte[] nonce24, byte[] ciphertext, byte[] ad) {
        if (ciphertext.length < ChaChaPoly.TAG_SIZE) {
            return null;
        }
        byte[] subkey = hChaCha20(key, nonce24);
        AeadKey sub = new AeadKey(subkey);
        Arrays.fill(subkey, (byte) 0);
        try {
            byte[] out = new byte[ciphertext.length];
            int n = new ChaChaPoly().openWithNonce(sub, innerNonce(nonce24), ad, ciphertext, 0, ciphertext.length, out, 0);
            return n < 0 ? null : Arrays.copyOf(out, n);
        } finally {
            sub.destroy();
        }
    }

    /** Four zero bytes then the last 8 bytes of the extended nonce. */
    private static byte[] innerNonce(byte[] nonce24) {
        byte[] n = new byte[ChaChaPoly.NONCE_SIZE];
        System.arraycopy(nonce24, 16, n, 4, 8);
        return n;
    }

    /** HChaCha20: 20 ChaCha rounds over constants || key || nonce[0..16], output words 0-3 and 12-15. */
    static byte[] hChaCha20(byte[] key, byte[] nonce) {
        if (nonce.length != NONCE_SIZE) {
            throw new IllegalArgumentException("XChaCha20 nonce must be 24 bytes");
        }
        int[] x = new int[16];
        x[0] = 0x61707865;
        x[1] = 0x3320646e;
        x[2] = 0x79622d32;
        x[3] = 0x6b206574;
        for (int i = 0; i < 8; i++) {
            x[4 + i] = le32(key, 4 * i);
        }
        for (int i = 0; i < 4; i++) {
            x[12 + i] = le32(nonce, 4 * i);
        }
        for (int round = 0; round < 10; round++) {
            quarter(x, 0, 4, 8, 12);
            quarter(x, 1, 5, 9, 13);
            quarter(x, 2, 6, 10, 14);
            quarter(x, 3, 7, 11, 15);
            quarter(x, 0, 5, 10, 15);
            quarter(x, 1, 6, 11, 12);
            quarter(x, 2, 7, 8, 13);
            quarter(x, 3, 4, 9, 14);
        }
        byte[] out = new byte[32];
        for (int i = 0; i < 4; i++) {
            putLe32(out, 4 * i, x[i]);
            putLe32(out, 16 + 4 * i, x[12 + i]);
        }
        Arrays.fill(x, 0);
        return out;
    }

    private static void quarter(int[] x, int a, int b, int c, int d) {
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 16);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 12);
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 8);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 7);
    }

    private static int le32(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    private static void putLe32(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }
}
