package dev.tsj.crypto;

/**
 * X25519 (RFC 7748) through BouncyCastle's constant-time implementation, which measured
 * faster than the JDK's XDH on these machines (see bench/README.md: X25519Benchmark).
 */
public final class X25519 {
    private X25519() {}

    /** The public key of a (clamped or not: X25519 clamps) private scalar. */
    public static byte[] publicKey(byte[] privateKey) {
        byte[] pub = new byte[WireGuardSpec.KEY_SIZE];
        org.bouncycastle.math.ec.rfc7748.X25519.scalarMultBase(privateKey, 0, pub, 0);
        return pub;
    }

    /**
     * Computes the shared secret into {@code out}.
     *
     * @return false when the result is all zero (the peer sent a low-order point), which
     *     WireGuard treats as a failed handshake
     */
    public static boolean sharedSecret(byte[] privateKey, byte[] publicKey, byte[] out) {
        return org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(privateKey, 0, publicKey, 0, out, 0);
    }
}
