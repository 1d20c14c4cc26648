package dev.tsj.control.noise;

import dev.tsj.crypto.AeadKey;
import dev.tsj.crypto.ChaChaPoly;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * ChaCha20-Poly1305 instances shared by all channels. The control server runs every
 * channel on its own virtual threads; a per-thread instance ({@link ChaChaPoly#forThread()})
 * would give each of 10,000 sessions its own JDK Cipher, so instances are borrowed per
 * call instead. The pool grows to the number of threads sealing at once, no more.
 */
final class AeadPool {
    private AeadPool() {}

    private static final ConcurrentLinkedQueue<ChaChaPoly> FREE = new ConcurrentLinkedQueue<>();

    static int seal(AeadKey key, long nonce, byte[] ad, byte[] in, int off, int len, byte[] out, int outOff) {
        ChaChaPoly c = borrow();
        try {
            return c.seal(key, nonce, ad, in, off, len, out, outOff);
        } finally {
            FREE.offer(c);
        }
    }

    /** Returns the plaintext length or -1 when the tag does not verify. */
    static int open(AeadKey key, long nonce, byte[] ad, byte[] in, int off, int len, byte[] out, int outOff) {
        ChaChaPoly c = borrow();
        try {
            return c.open(key, nonce, ad, in, off, len, out, outOff);
        } finally {
            FREE.offer(c);
        }
    }

    private static ChaChaPoly borrow() {
        ChaChaPoly c = FREE.poll();
        return c != null ? c : new ChaChaPoly();
    }
}
