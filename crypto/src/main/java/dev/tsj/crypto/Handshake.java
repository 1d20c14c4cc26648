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

    // The two roles are kept apart: when both sides initiate at once, each can answer the
    // other's initiation without throwing away its own (wireguard-go keeps one state, so
    // crossed initiations cost both sides a 5 s retry).
    private State initiatorState = State.ZEROED;
    private NoiseIKpsk2 initiatorNoise;
    private int initiatorLocalIndex;
    private int initiatorRemoteIndex;

    private State responderState = State.ZEROED;
    private NoiseIKpsk2 responderNoise;
    private int responderLocalIndex;
    private int responderRemoteIndex;

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

    /** Our own initiation's progress: ZEROED, INITIATION_CREATED or RESPONSE_CONSUMED. */
    public synchronized State state() {
        return initiatorState;
    }

    /** The peer's initiation's progress: ZEROED, INITIATION_CONSUMED or RESPONSE_CREATED. */
    public synchronized State responderState() {
        return responderState;
    }

    public synchronized int localIndex() {
        return initiatorLocalIndex;
    }

    /** The peer's index from its response to our initiation. */
    public synchronized int initiatorRemoteIndex() {
        return initiatorRemoteIndex;
    }

    /** The peer's index from its initiation that we answer. */
    public synchronized int responderRemoteIndex() {
        return responderRemoteIndex;
    }

    private static byte[] newEphemeral() {
        byte[] e = new byte[KEY_SIZE];
        RANDOM.nextBytes(e);
        return PrivateKey.clamp(e);
    }

    /** Builds a 148-byte initiation (macs zero) with sender index {@code localIndex}. */
    public synchronized byte[] createInitiation(int localIndex, Instant now) {
        clearInitiator();
        byte[] msg = new byte[MESSAGE_INITIATION_SIZE];
        msg[0] = MESSAGE_INITIATION_TYPE;
        putIndex(msg, OFFSET_SENDER, localIndex);
        initiatorNoise = NoiseIKpsk2.initiator(IDENTIFIER, local.rawPrivate(), remoteStatic.raw(), presharedKey.raw());
        byte[] e = newEphemeral();
        int n = initiatorNoise.writeInitiation(e, Tai64n.of(now), msg, OFFSET_INITIATION_EPHEMERAL);
        Arrays.fill(e, (byte) 0);
        if (n < 0) {
            clearInitiator();
            return null; // the peer's static key is a low-order point
        }
        initiatorLocalIndex = localIndex;
        initiatorState = State.INITIATION_CREATED;
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
     * Our own initiation in flight, if any, is kept.
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
        clearResponder();
        responderNoise = init.noise;
        responderNoise.setPresharedKey(presharedKey.raw());
        lastTimestamp = init.timestamp;
        lastInitiationConsumption = nowNanos;
        responderRemoteIndex = init.senderIndex;
        responderState = State.INITIATION_CONSUMED;
        return Refusal.NONE;
    }

    /** Builds the 92-byte response (macs zero) after {@link #acceptInitiation}. */
    public synchronized byte[] createResponse(int localIndex) {
        if (responderState != State.INITIATION_CONSUMED) {
            return null;
        }
        byte[] msg = new byte[MESSAGE_RESPONSE_SIZE];
        msg[0] = MESSAGE_RESPONSE_TYPE;
        putIndex(msg, OFFSET_SENDER, localIndex);
        putIndex(msg, OFFSET_RESPONSE_RECEIVER, responderRemoteIndex);
        byte[] e = newEphemeral();
        int n = responderNoise.writeResponse(e, EMPTY, msg, OFFSET_RESPONSE_EPHEMERAL);
        Arrays.fill(e, (byte) 0);
        if (n < 0) {
            clearResponder();
            return null;
        }
        responderLocalIndex = localIndex;
        responderState = State.RESPONSE_CREATED;
        return msg;
    }

    /** Consumes a response to our initiation (the caller routed it here by receiver index). */
    public synchronized boolean consumeResponse(byte[] msg) {
        if (initiatorState != State.INITIATION_CREATED || msg.length != MESSAGE_RESPONSE_SIZE
                || msg[0] != MESSAGE_RESPONSE_TYPE || getIndex(msg, OFFSET_RESPONSE_RECEIVER) != initiatorLocalIndex) {
            return false;
        }
        byte[] payload = initiatorNoise.readResponse(msg, OFFSET_RESPONSE_EPHEMERAL, offsetMac1(MESSAGE_RESPONSE_SIZE) - OFFSET_RESPONSE_EPHEMERAL);
        if (payload == null || payload.length != 0) {
            // Noise state has advanced past repair: start over on the next retry.
            clearInitiator();
            return false;
        }
        initiatorRemoteIndex = getIndex(msg, OFFSET_SENDER);
        initiatorState = State.RESPONSE_CONSUMED;
        return true;
    }

    /** Our initiation's transport keys once its response was consumed; zeroes that state. */
    public synchronized TransportKeys deriveInitiatorKeys() {
        if (initiatorState != State.RESPONSE_CONSUMED) {
            return null;
        }
        TransportKeys keys = initiatorNoise.split();
        clearInitiator();
        return keys;
    }

    /** The transport keys of the peer's initiation once we responded; zeroes that state. */
    public synchronized TransportKeys deriveResponderKeys() {
        if (responderState != State.RESPONSE_CREATED) {
            return null;
        }
        TransportKeys keys = responderNoise.split();
        clearResponder();
        return keys;
    }

    private void clearInitiator() {
        if (initiatorNoise != null) {
            initiatorNoise.destroy();
            initiatorNoise = null;
        }
        initiatorState = State.ZEROED;
    }

    private void clearResponder() {
        if (responderNoise != null) {
            responderNoise.destroy();
            responderNoise = null;
        }
        responderState = State.ZEROED;
    }

    /** Zeroes any handshake in progress (the replay timestamp is kept, as the protocol requires). */
    public synchronized void clear() {
        clearInitiator();
        clearResponder();
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
