package dev.tsj.control.noise;

import dev.tsj.crypto.AeadKey;
import dev.tsj.crypto.Blake2s;
import java.util.Arrays;

/** Noise's SymmetricState and CipherState for the handshake phase (spec section 5.2). */
final class SymmetricState {
    private byte[] ck;
    private byte[] h;
    private AeadKey k;
    private long n;

    SymmetricState() {
        // The name is longer than the hash length, so h = HASH(name).
        h = NoiseSpec.PROTOCOL_NAME.length <= 32
                ? Arrays.copyOf(NoiseSpec.PROTOCOL_NAME, 32)
                : Blake2s.hash(NoiseSpec.PROTOCOL_NAME);
        ck = h.clone();
        mixHash(NoiseSpec.PROLOGUE);
    }

    void mixHash(byte[] data) {
        h = Blake2s.hash(h, data);
    }

    void mixKey(byte[] ikm) {
        byte[][] out = Blake2s.kdf(2, ck, ikm);
        Arrays.fill(ck, (byte) 0);
        ck = out[0];
        k = new AeadKey(out[1]);
        Arrays.fill(out[1], (byte) 0);
        n = 0;
    }

    byte[] encryptAndHash(byte[] plaintext) {
        byte[] c;
        if (k == null) {
            c = plaintext.clone();
        } else {
            c = new byte[plaintext.length + NoiseSpec.TAG_LEN];
            AeadPool.seal(k, n++, h, plaintext, 0, plaintext.length, c, 0);
        }
        mixHash(c);
        return c;
    }

    byte[] decryptAndHash(byte[] ciphertext) throws HandshakeException {
        byte[] p;
        if (k == null) {
            p = ciphertext.clone();
        } else {
            if (ciphertext.length < NoiseSpec.TAG_LEN) {
                throw new HandshakeException("handshake message too short");
            }
            p = new byte[ciphertext.length - NoiseSpec.TAG_LEN];
            if (AeadPool.open(k, n++, h, ciphertext, 0, ciphertext.length, p, 0) < 0) {
                throw new HandshakeException("handshake message does not verify");
            }
        }
        mixHash(ciphertext);
        return p;
    }

    /** Split(): the two transport keys, initiator-to-responder first. */
    AeadKey[] split() {
        byte[][] out = Blake2s.kdf(2, ck, new byte[0]);
        AeadKey[] keys = {new AeadKey(out[0]), new AeadKey(out[1])};
        Arrays.fill(out[0], (byte) 0);
        Arrays.fill(out[1], (byte) 0);
        Arrays.fill(ck, (byte) 0);
        if (k != null) {
            k.destroy();
        }
        return keys;
    }

    byte[] handshakeHash() {
        return h.clone();
    }
}
