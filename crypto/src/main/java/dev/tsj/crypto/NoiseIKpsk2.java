package dev.tsj.crypto;

import static dev.tsj.crypto.WireGuardSpec.AEAD_TAG_SIZE;
import static dev.tsj.crypto.WireGuardSpec.KEY_SIZE;

import java.util.Arrays;

/**
 * The Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s handshake pattern, independent of
 * WireGuard's framing:
 * <pre>
 *   &lt;- s
 *   ...
 *   -&gt; e, es, s, ss
 *   &lt;- e, ee, se, psk
 * </pre>
 * With WireGuard's identifier as prologue and a TAI64N payload this is exactly WireGuard's
 * handshake ({@link Handshake} adds the framing); with any other prologue it reproduces
 * the published Noise test vectors, which is how the two are tested as one code path.
 *
 * <p>One object is one handshake attempt. Byte-level and allocation-light; not thread-safe.
 */
public final class NoiseIKpsk2 {
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] INITIAL_CHAIN_KEY = Blake2s.hash(WireGuardSpec.CONSTRUCTION);

    private final boolean initiator;
    private final byte[] staticPrivate;
    private final byte[] staticPublic;
    private byte[] remoteStatic;
    private byte[] psk;
    private byte[] chainKey;
    private byte[] hash;
    private byte[] ephemeralPrivate;
    private byte[] remoteEphemeral;

    private NoiseIKpsk2(boolean initiator, byte[] prologue, byte[] staticPrivate, byte[] responderStatic) {
        this.initiator = initiator;
        this.staticPrivate = staticPrivate.clone();
        this.staticPublic = X25519.publicKey(staticPrivate);
        // The protocol name is longer than 32 bytes, so h = HASH(name) and ck = h.
        chainKey = INITIAL_CHAIN_KEY.clone();
        hash = Blake2s.hash(chainKey, prologue);
        hash = Blake2s.hash(hash, responderStatic); // pre-message "<- s"
    }

    /** An initiator that knows the responder's static key (and the psk, all zero for none). */
    public static NoiseIKpsk2 initiator(byte[] prologue, byte[] staticPrivate, byte[] remoteStatic, byte[] psk) {
        NoiseIKpsk2 n = new NoiseIKpsk2(true, prologue, staticPrivate, remoteStatic);
        n.remoteStatic = remoteStatic.clone();
        n.psk = psk.clone();
        return n;
    }

    /** A responder; the psk is supplied after message 1 reveals who the initiator is. */
    public static NoiseIKpsk2 responder(byte[] prologue, byte[] staticPrivate) {
        return new NoiseIKpsk2(false, prologue, staticPrivate, X25519.publicKey(staticPrivate));
    }

    /** Length of message 1 for a payload of {@code payloadLength} bytes. */
    public static int initiationLength(int payloadLength) {
        return KEY_SIZE + KEY_SIZE + AEAD_TAG_SIZE + payloadLength + AEAD_TAG_SIZE;
    }

    /** Length of message 2 for a payload of {@code payloadLength} bytes. */
    public static int responseLength(int payloadLength) {
        return KEY_SIZE + payloadLength + AEAD_TAG_SIZE;
    }

    /** Message 1: writes e || AEAD(s) || AEAD(payload) at {@code out[off]}; returns its length. */
    public int writeInitiation(byte[] ephemeral, byte[] payload, byte[] out, int off) {
        requireRole(true);
        ephemeralPrivate = ephemeral.clone();
        byte[] ePub = X25519.publicKey(ephemeralPrivate);
        int p = off;
        System.arraycopy(ePub, 0, out, p, KEY_SIZE);
        p += KEY_SIZE;
        mixEphemeral(ePub);
        byte[] key = mixDh(ephemeralPrivate, remoteStatic);
        if (key == null) {
            return -1;
        }
        p += encryptAndHash(key, staticPublic, out, p);
        key = mixDh(staticPrivate, remoteStatic);
        if (key == null) {
            return -1;
        }
        p += encryptAndHash(key, payload, out, p);
        return p - off;
    }

    /**
     * Reads message 1; returns its payload, or null if it does not authenticate. On
     * success {@link #remoteStatic()} names the initiator.
     */
    public byte[] readInitiation(byte[] in, int off, int len) {
        requireRole(false);
        int payloadLength = len - initiationLength(0);
        if (payloadLength < 0) {
            return null;
        }
        remoteEphemeral = Arrays.copyOfRange(in, off, off + KEY_SIZE);
        mixEphemeral(remoteEphemeral);
        byte[] key = mixDh(staticPrivate, remoteEphemeral);
        if (key == null) {
            return null;
        }
        byte[] rs = decryptAndHash(key, in, off + KEY_SIZE, KEY_SIZE + AEAD_TAG_SIZE);
        if (rs == null) {
            return null;
        }
        remoteStatic = rs;
        key = mixDh(staticPrivate, remoteStatic);
        if (key == null) {
            return null;
        }
        return decryptAndHash(key, in, off + 2 * KEY_SIZE + AEAD_TAG_SIZE, payloadLength + AEAD_TAG_SIZE);
    }

    /** The responder sets the psk it holds for the initiator revealed by message 1. */
    public void setPresharedKey(byte[] presharedKey) {
        requireRole(false);
        psk = presharedKey.clone();
    }

    /** Message 2: writes e || AEAD(payload) at {@code out[off]}; returns its length. */
    public int writeResponse(byte[] ephemeral, byte[] payload, byte[] out, int off) {
        requireRole(false);
        ephemeralPrivate = ephemeral.clone();
        byte[] ePub = X25519.publicKey(ephemeralPrivate);
        System.arraycopy(ePub, 0, out, off, KEY_SIZE);
        mixEphemeral(ePub);
        if (mixDh(ephemeralPrivate, remoteEphemeral) == null || mixDh(ephemeralPrivate, remoteStatic) == null) {
            return -1;
        }
        byte[] key = mixPsk();
        return KEY_SIZE + encryptAndHash(key, payload, out, off + KEY_SIZE);
    }

    /** Reads message 2; returns its payload or null if it does not authenticate. */
    public byte[] readResponse(byte[] in, int off, int len) {
        requireRole(true);
        int payloadLength = len - responseLength(0);
        if (payloadLength < 0) {
            return null;
        }
        remoteEphemeral = Arrays.copyOfRange(in, off, off + KEY_SIZE);
        mixEphemeral(remoteEphemeral);
        if (mixDh(ephemeralPrivate, remoteEphemeral) == null || mixDh(staticPrivate, remoteEphemeral) == null) {
            return null;
        }
        byte[] key = mixPsk();
        return decryptAndHash(key, in, off + KEY_SIZE, payloadLength + AEAD_TAG_SIZE);
    }

    /** Split(): the transport keys, as this side uses them. Ends the handshake. */
    public TransportKeys split() {
        byte[][] t = Blake2s.kdf(2, chainKey, EMPTY);
        TransportKeys keys = initiator ? new TransportKeys(t[0], t[1]) : new TransportKeys(t[1], t[0]);
        Arrays.fill(t[0], (byte) 0);
        Arrays.fill(t[1], (byte) 0);
        return keys;
    }

    /** The remote static public key (known up front to an initiator, from message 1 to a responder). */
    public byte[] remoteStatic() {
        return remoteStatic == null ? null : remoteStatic.clone();
    }

    /** The handshake hash h, for channel binding and the test vectors. */
    public byte[] handshakeHash() {
        return hash.clone();
    }

    /** Zeroes every secret this handshake holds. */
    public void destroy() {
        wipe(staticPrivate);
        wipe(ephemeralPrivate);
        wipe(psk);
        wipe(chainKey);
        wipe(hash);
    }

    private static void wipe(byte[] b) {
        if (b != null) {
            Arrays.fill(b, (byte) 0);
        }
    }

    private void requireRole(boolean wantInitiator) {
        if (initiator != wantInitiator) {
            throw new IllegalStateException("wrong handshake role for this message");
        }
    }

    /** The "e" token in a psk handshake: MixHash(e.pub) and MixKey(e.pub). */
    private void mixEphemeral(byte[] ePub) {
        hash = Blake2s.hash(hash, ePub);
        replaceChainKey(Blake2s.kdf(1, chainKey, ePub)[0]);
    }

    /** A DH token: (ck, k) = KDF2(ck, DH(a, B)). Returns k, or null on a low-order point. */
    private byte[] mixDh(byte[] privateKey, byte[] publicKey) {
        byte[] shared = new byte[KEY_SIZE];
        if (!X25519.sharedSecret(privateKey, publicKey, shared)) {
            return null;
        }
        byte[][] t = Blake2s.kdf(2, chainKey, shared);
        wipe(shared);
        replaceChainKey(t[0]);
        return t[1];
    }

    /** The "psk" token: (ck, tau, k) = KDF3(ck, psk); MixHash(tau). Returns k. */
    private byte[] mixPsk() {
        byte[][] t = Blake2s.kdf(3, chainKey, psk);
        replaceChainKey(t[0]);
        hash = Blake2s.hash(hash, t[1]);
        wipe(t[1]);
        return t[2];
    }

    private void replaceChainKey(byte[] next) {
        wipe(chainKey);
        chainKey = next;
    }

    private int encryptAndHash(byte[] key, byte[] plaintext, byte[] out, int off) {
        AeadKey k = new AeadKey(key);
        wipe(key);
        try {
            int n = ChaChaPoly.forThread().seal(k, 0, hash, plaintext, 0, plaintext.length, out, off);
            hash = Blake2s.hash(hash, Arrays.copyOfRange(out, off, off + n));
            return n;
        } finally {
            k.destroy();
        }
    }

    private byte[] decryptAndHash(byte[] key, byte[] in, int off, int len) {
        AeadKey k = new AeadKey(key);
        wipe(key);
        try {
            byte[] plain = new byte[len];
            int n = ChaChaPoly.forThread().open(k, 0, hash, in, off, len, plain, 0);
            if (n < 0) {
                return null;
            }
            hash = Blake2s.hash(hash, Arrays.copyOfRange(in, off, off + len));
            return Arrays.copyOf(plain, n);
        } finally {
            k.destroy();
        }
    }
}
