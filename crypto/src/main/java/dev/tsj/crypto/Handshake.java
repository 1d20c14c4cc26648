package dev.tsj.crypto;

import static dev.tsj.crypto.WireGuardSpec.*;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;

/**
 * WireGuard's handshake with one peer (whitepaper section 5.4): the Noise IKpsk2 core of
 * {@link NoiseIKpsk2} inside WireGuard's message framing, plus the initiation replay
 * (TAI64N must increase) and flood (50 a second) checks.
 *
 * <p>The methods leave mac1/mac2 zero: {@link CookieGenerator#addMacs} fills them, since
 * they depend on cookie state rather than on the handshake. Thread-safe by a lock per
 * peer; handshakes are rare next to transport packets.
 */
public final class Handshake {
    public enum State { ZEROED, INITIATION_CREATED, INITIATION_CONSUMED, RESPONSE_CREATED, RESPONSE_CONSUMED }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] EMPTY = new byte[0];

    private final StaticIdentity local;
    private final PublicKey remoteStatic;
    private volatile PresharedKey presharedKey;

    private State state = State.ZEROED;
    private NoiseIKpsk2 noise;
    private int localIndex;
    private int remoteIndex;
    private byte[] lastTimestamp = new byte[TIMESTAMP_SIZE];
    private long lastInitiationConsumption = Long.MIN_VALUE;

    public Handshake(StaticIdentity local, PublicKey remoteStatic, PresharedKey presharedKey) {
        this.local = local;
        this.remoteStatic = remoteStatic;
        this.presharedKey = presharedKey == null ? PresharedKey.zero() : presharedKey;
    }

    public PublicKey remoteStatic() {
        return remoteStatic;
    }

    public void setPresharedKey(PresharedKey psk) {
        this.presharedKey = psk == null ? PresharedKey.zero() : psk;
    }

    public PresharedKey presharedKey() {
        return presharedKey;
    }

    public synchronized State state() {
        return state;
    }

    public synchronized int localIndex() {
        return localIndex;
    }

    public synchronized int remoteIndex() {
        return remoteIndex;
    }

    private static byte[] newEphemeral() {
        byte[] e = new byte[KEY_SIZE];
        RANDOM.nextBytes(e);
        return PrivateKey.clamp(e);
    }

    /** Builds a 148-byte initiation (macs zero) with sender index {@code localIndex}. */
    public synchronized byte[] createInitiation(int localIndex, Instant now) {
        clear();
        byte[] msg = new byte[MESSAGE_INITIATION_SIZE];
        msg[0] = MESSAGE_INITIATION_TYPE;
        putIndex(msg, OFFSET_SENDER, localIndex);
        noise = NoiseIKpsk2.initiator(IDENTIFIER, local.rawPrivate(), remoteStatic.raw(), presharedKey.raw());
        byte[] e = newEphemeral();
        int n = noise.writeInitiation(e, Tai64n.of(now), msg, OFFSET_INITIATION_EPHEMERAL);
        Arrays.fill(e, (byte) 0);
        if (n < 0) {
            clear();
            return null; // the peer's static key is a low-order point
        }
        this.localIndex = localIndex;
        state = State.INITIATION_CREATED;
        return msg;
    }

    /** What a responder learns from an initiation before it knows which peer sent it. */
    public static final class Initiation {
        final NoiseIKpsk2 noise;
        final PublicKey initiator;
        final byte[] timestamp;
        final int senderIndex;

        Initiation(NoiseIKpsk2 noise, PublicKey initiator, byte[] timestamp, int senderIndex) {
            this.noise = noise;
            this.initiator = initiator;
            this.timestamp = timestamp;
            this.senderIndex = senderIndex;
        }

        public PublicKey initiator() {
            return initiator;
        }

        public int senderIndex() {
            return senderIndex;
        }
    }

    /**
     * Decrypts an initiation addressed to {@code local} (the caller has checked mac1 and
     * the size). Returns null when it does not authenticate.
     */
    public static Initiation parseInitiation(StaticIdentity local, byte[] msg) {
        if (msg.length != MESSAGE_INITIATION_SIZE || msg[0] != MESSAGE_INITIATION_TYPE) {
            return null;
        }
        NoiseIKpsk2 noise = NoiseIKpsk2.responder(IDENTIFIER, local.rawPrivate());
        byte[] ts = noise.readInitiation(msg, OFFSET_INITIATION_EPHEMERAL, offsetMac1(MESSAGE_INITIATION_SIZE) - OFFSET_INITIATION_EPHEMERAL);
        if (ts == null || ts.length != TIMESTAMP_SIZE) {
            noise.destroy();
            return null;
        }
        return new Initiation(noise, new PublicKey(noise.remoteStatic()), ts, getIndex(msg, OFFSET_SENDER));
    }

    /** Why an authenticated initiation was refused. */
    public enum Refusal { NONE, REPLAYED_TIMESTAMP, FLOOD }

    /**
     * Adopts a parsed initiation from this peer if its timestamp is newer than any before
     * and the last one accepted is at least 20 ms old ({@code nowNanos} is monotonic).
     */
    public synchronized Refusal acceptInitiation(Initiation init, long nowNanos) {
        if (!init.initiator.equals(remoteStatic)) {
            throw new IllegalArgumentException("initiation is from another peer");
        }
        if (!Tai64n.after(init.timestamp, lastTimestamp)) {
            init.noise.destroy();
            return Refusal.REPLAYED_TIMESTAMP;
        }
        if (lastInitiationConsumption != Long.MIN_VALUE && nowNanos - lastInitiationConsumption <= HANDSHAKE_INITIATION_RATE) {
            init.noise.destroy();
            return Refusal.FLOOD;
        }
        clear();
        noise = init.noise;
        noise.setPresharedKey(presharedKey.raw());
        lastTimestamp = init.timestamp;
        lastInitiationConsumption = nowNanos;
        remoteIndex = init.senderIndex;
        state = State.INITIATION_CONSUMED;
        return Refusal.NONE;
    }

    /** Builds the 92-byte response (macs zero) after {@link #acceptInitiation}. */
    public synchronized byte[] createResponse(int localIndex) {
        if (state != State.INITIATION_CONSUMED) {
            return null;
        }
        byte[] msg = new byte[MESSAGE_RESPONSE_SIZE];
        msg[0] = MESSAGE_RESPONSE_TYPE;
        putIndex(msg, OFFSET_SENDER, localIndex);
        putIndex(msg, OFFSET_RESPONSE_RECEIVER, remoteIndex);
        byte[] e = newEphemeral();
        int n = noise.writeResponse(e, EMPTY, msg, OFFSET_RESPONSE_EPHEMERAL);
        Arrays.fill(e, (byte) 0);
        if (n < 0) {
            clear();
            return null;
        }
        this.localIndex = localIndex;
        state = State.RESPONSE_CREATED;
        return msg;
    }

    /** Consumes a response to our initiation (the caller routed it here by receiver index). */
    public synchronized boolean consumeResponse(byte[] msg) {
        if (state != State.INITIATION_CREATED || msg.length != MESSAGE_RESPONSE_SIZE
                || msg[0] != MESSAGE_RESPONSE_TYPE || getIndex(msg, OFFSET_RESPONSE_RECEIVER) != localIndex) {
            return false;
        }
        byte[] payload = noise.readResponse(msg, OFFSET_RESPONSE_EPHEMERAL, offsetMac1(MESSAGE_RESPONSE_SIZE) - OFFSET_RESPONSE_EPHEMERAL);
        if (payload == null || payload.length != 0) {
            // A failed response leaves our initiation valid: a forged response must not
            // cost us the handshake in flight. Noise state is already advanced, though,
            // so start over on the next retry.
            clear();
            return false;
        }
        remoteIndex = getIndex(msg, OFFSET_SENDER);
        state = State.RESPONSE_CONSUMED;
        return true;
    }

    /**
     * Derives the transport keys once the handshake is complete on this side (initiator
     * after a response, responder after sending one) and zeroes the handshake.
     */
    public synchronized TransportKeys deriveKeys() {
        if (state != State.RESPONSE_CONSUMED && state != State.RESPONSE_CREATED) {
            return null;
        }
        TransportKeys keys = noise.split();
        clear();
        return keys;
    }

    /** Zeroes any handshake in progress (the replay timestamp is kept, as the protocol requires). */
    public synchronized void clear() {
        if (noise != null) {
            noise.destroy();
            noise = null;
        }
        state = State.ZEROED;
    }

    public static int getIndex(byte[] msg, int off) {
        return (msg[off] & 0xff) | (msg[off + 1] & 0xff) << 8 | (msg[off + 2] & 0xff) << 16 | (msg[off + 3] & 0xff) << 24;
    }

    static void putIndex(byte[] msg, int off, int v) {
        msg[off] = (byte) v;
        msg[off + 1] = (byte) (v >>> 8);
        msg[off + 2] = (byte) (v >>> 16);
        msg[off + 3] = (byte) (v >>> 24);
    }
}
