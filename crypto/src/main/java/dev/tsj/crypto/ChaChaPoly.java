package dev.tsj.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;

/**
 * ChaCha20-Poly1305 (RFC 8439) through {@code javax.crypto.Cipher}, which reaches the
 * JDK's ChaCha20 and Poly1305 CPU intrinsics. Nonces are WireGuard's: four zero bytes
 * then a 64-bit little-endian counter.
 *
 * <p>One instance per thread (see {@link #forThread()}): {@code Cipher} is stateful. The
 * JDK's fast path works on byte arrays in place; given direct buffers it would allocate
 * per call, so the ByteBuffer methods stage direct data through a per-instance scratch
 * array instead. Nothing here allocates per packet on the caller's side.
 */
public final class ChaChaPoly {
    public static final int TAG_SIZE = WireGuardSpec.AEAD_TAG_SIZE;
    public static final int NONCE_SIZE = 12;
    private static final ThreadLocal<ChaChaPoly> PER_THREAD = ThreadLocal.withInitial(ChaChaPoly::new);

    private final Cipher cipher;
    private final byte[] nonce = new byte[NONCE_SIZE];
    private byte[] scratch = new byte[2048];

    public ChaChaPoly() {
        try {
            cipher = Cipher.getInstance("ChaCha20-Poly1305");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks ChaCha20-Poly1305", e);
        }
    }

    /** This thread's instance. */
    public static ChaChaPoly forThread() {
        return PER_THREAD.get();
    }

    private void init(int mode, AeadKey key, long counter) {
        nonce[4] = (byte) counter;
        nonce[5] = (byte) (counter >>> 8);
        nonce[6] = (byte) (counter >>> 16);
        nonce[7] = (byte) (counter >>> 24);
        nonce[8] = (byte) (counter >>> 32);
        nonce[9] = (byte) (counter >>> 40);
        nonce[10] = (byte) (counter >>> 48);
        nonce[11] = (byte) (counter >>> 56);
        initWithNonce(mode, key, nonce);
    }

    private void initWithNonce(int mode, AeadKey key, byte[] nonce12) {
        if (nonce12.length != NONCE_SIZE) {
            throw new IllegalArgumentException("ChaCha20-Poly1305 nonce must be 12 bytes");
        }
        try {
            cipher.init(mode, key, new IvParameterSpec(nonce12));
        } catch (InvalidKeyException | InvalidAlgorithmParameterException e) {
            // Reached only on nonce reuse with the same key, which the callers' counters rule out.
            throw new IllegalStateException("ChaCha20-Poly1305 init failed: " + e.getMessage(), e);
        }
    }

    /** RFC 8439 seal with an explicit 12-byte nonce (cookies and test vectors; the data path uses counters). */
    public int sealWithNonce(AeadKey key, byte[] nonce12, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
        initWithNonce(Cipher.ENCRYPT_MODE, key, nonce12);
        return finish(ad, in, inOff, len, out, outOff);
    }

    /** RFC 8439 open with an explicit nonce; returns the plaintext length or -1. */
    public int openWithNonce(AeadKey key, byte[] nonce12, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
        if (len < TAG_SIZE) {
            return -1;
        }
        initWithNonce(Cipher.DECRYPT_MODE, key, nonce12);
        return finishOpen(ad, in, inOff, len, out, outOff);
    }

    /**
     * Seals {@code len} bytes at {@code in[inOff]} into {@code out[outOff]} (may be the
     * same place), appending the 16-byte tag. Returns {@code len + 16}.
     */
    public int seal(AeadKey key, long counter, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
        init(Cipher.ENCRYPT_MODE, key, counter);
        return finish(ad, in, inOff, len, out, outOff);
    }

    private int finish(byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
        try {
            if (ad != null) {
                cipher.updateAAD(ad);
            }
            return cipher.doFinal(in, inOff, len, out, outOff);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("seal failed: " + e.getMessage(), e);
        }
    }

    private int finishOpen(byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
        try {
            if (ad != null) {
                cipher.updateAAD(ad);
            }
            return cipher.doFinal(in, inOff, len, out, outOff);
        } catch (AEADBadTagException e) {
            return -1;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("open failed: " + e.getMessage(), e);
        }
    }

    /**
     * Opens {@code len} bytes (ciphertext and tag) at {@code in[inOff]} into
     * {@code out[outOff]} (may be the same place).
     *
     * @return the plaintext length, or -1 when the tag does not verify (nothing useful is
     *     written then)
     */
    public int open(AeadKey key, long counter, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
        if (len < TAG_SIZE) {
            return -1;
        }
        init(Cipher.DECRYPT_MODE, key, counter);
        return finishOpen(ad, in, inOff, len, out, outOff);
    }

    /**
     * Seals in place the {@code len} bytes at absolute index {@code off} of {@code buf},
     * appending the tag; positions and limits are untouched. Heap buffers go straight to
     * the cipher; direct ones through the scratch array.
     */
    public int seal(AeadKey key, long counter, ByteBuffer buf, int off, int len) {
        if (buf.hasArray()) {
            byte[] a = buf.array();
            int o = buf.arrayOffset() + off;
            return seal(key, counter, null, a, o, len, a, o);
        }
        byte[] s = scratch(len + TAG_SIZE);
        buf.get(off, s, 0, len);
        int n = seal(key, counter, null, s, 0, len, s, 0);
        buf.put(off, s, 0, n);
        return n;
    }

    /** Opens in place; returns the plaintext length or -1 on a bad tag. */
    public int open(AeadKey key, long counter, ByteBuffer buf, int off, int len) {
        if (buf.hasArray()) {
            byte[] a = buf.array();
            int o = buf.arrayOffset() + off;
            return open(key, counter, null, a, o, len, a, o);
        }
        byte[] s = scratch(len);
        buf.get(off, s, 0, len);
        int n = open(key, counter, null, s, 0, len, s, 0);
        if (n >= 0) {
            buf.put(off, s, 0, n);
        }
        return n;
    }

    private byte[] scratch(int size) {
        if (scratch.length < size) {
            Arrays.fill(scratch, (byte) 0);
            scratch = new byte[Math.max(size, 2 * scratch.length)];
        }
        return scratch;
    }
}
