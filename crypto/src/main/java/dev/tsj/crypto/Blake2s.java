package dev.tsj.crypto;

import java.util.Arrays;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The hash functions of WireGuard's section 5.4, on BouncyCastle's BLAKE2s:
 * HASH (BLAKE2s-256), MAC (keyed BLAKE2s-128), HMAC (HMAC-BLAKE2s-256) and the HKDF
 * chain KDF1/2/3 built from HMAC.
 */
public final class Blake2s {
    private Blake2s() {}

    /** HASH(parts[0] || parts[1] || ...), 32 bytes. */
    public static byte[] hash(byte[]... parts) {
        Blake2sDigest d = new Blake2sDigest(256);
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    /** MAC(key, data[off..off+len]) = keyed BLAKE2s with a 16-byte output. */
    public static byte[] mac(byte[] key, byte[] data, int off, int len) {
        Blake2sDigest d = new Blake2sDigest(key, WireGuardSpec.MAC_SIZE, null, null);
        d.update(data, off, len);
        byte[] out = new byte[WireGuardSpec.MAC_SIZE];
        d.doFinal(out, 0);
        return out;
    }

    /** HMAC(key, parts...) with BLAKE2s-256 and its 64-byte block. */
    public static byte[] hmac(byte[] key, byte[]... parts) {
        HMac h = new HMac(new Blake2sDigest(256));
        h.init(new KeyParameter(key));
        for (byte[] p : parts) {
            h.update(p, 0, p.length);
        }
        byte[] out = new byte[32];
        h.doFinal(out, 0);
        return out;
    }

    private static final byte[] ONE = {1};
    private static final byte[] TWO = {2};
    private static final byte[] THREE = {3};

    /**
     * KDFn(key, input): tau0 = HMAC(key, input); tau1 = HMAC(tau0, 0x1);
     * tau_i = HMAC(tau0, tau_{i-1} || i). Returns n 32-byte outputs.
     */
    public static byte[][] kdf(int n, byte[] key, byte[] input) {
        byte[] tau0 = hmac(key, input);
        byte[][] out = new byte[n][];
        out[0] = hmac(tau0, ONE);
        if (n > 1) {
            out[1] = hmac(tau0, out[0], TWO);
        }
        if (n > 2) {
            out[2] = hmac(tau0, out[1], THREE);
        }
        Arrays.fill(tau0, (byte) 0);
        return out;
    }
}
