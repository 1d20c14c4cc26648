package dev.tsj.control.noise;

import dev.tsj.crypto.AeadKey;
import java.io.IOException;

/**
 * One direction of the transport phase: a key and a counter nonce. Owned by one thread at
 * a time (the channel's reader or its writer), so it needs no locking.
 */
public final class NoiseCipher {
    private final AeadKey key;
    private long nonce;

    NoiseCipher(AeadKey key) {
        this.key = key;
    }

    /** Seals {@code len} bytes of {@code in} at {@code off} into {@code out} at {@code outOff}; returns the length. */
    public int seal(byte[] in, int off, int len, byte[] out, int outOff) throws IOException {
        if (nonce == -1L) {
            throw new IOException("control channel nonce exhausted");
        }
        return AeadPool.seal(key, nonce++, null, in, off, len, out, outOff);
    }

    /** Opens in place; returns the plaintext length. */
    public int open(byte[] buf, int len) throws IOException {
        if (nonce == -1L) {
            throw new IOException("control channel nonce exhausted");
        }
        int n = AeadPool.open(key, nonce++, null, buf, 0, len, buf, 0);
        if (n < 0) {
            throw new IOException("control channel frame does not verify");
        }
        return n;
    }

    public void destroy() {
        key.destroy();
    }
}
