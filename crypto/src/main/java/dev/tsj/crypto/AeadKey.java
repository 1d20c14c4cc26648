package dev.tsj.crypto;

import java.util.Arrays;
import javax.crypto.SecretKey;

/**
 * A 32-byte symmetric key for ChaCha20-Poly1305 that, unlike {@code SecretKeySpec}, can
 * really be destroyed: {@link #destroy()} zeroes the bytes (WireGuard zeroes retired
 * transport keys).
 */
public final class AeadKey implements SecretKey {
    private static final long serialVersionUID = 1L;
    private final byte[] key;
    private volatile boolean destroyed;

    /** Takes a copy of {@code key}. */
    public AeadKey(byte[] key) {
        if (key.length != WireGuardSpec.KEY_SIZE) {
            throw new IllegalArgumentException("AEAD key must be 32 bytes");
        }
        this.key = key.clone();
    }

    @Override
    public String getAlgorithm() {
        return "ChaCha20";
    }

    @Override
    public String getFormat() {
        return "RAW";
    }

    /** A copy, as the {@code Key} contract requires; the JDK zeroes it after use. */
    @Override
    public byte[] getEncoded() {
        if (destroyed) {
            throw new IllegalStateException("key destroyed");
        }
        return key.clone();
    }

    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(key, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "AeadKey[redacted]";
    }
}
