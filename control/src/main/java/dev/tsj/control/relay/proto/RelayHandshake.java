package dev.tsj.control.relay.proto;

import dev.tsj.crypto.AeadKey;
import dev.tsj.crypto.Blake2s;
import dev.tsj.crypto.ChaChaPoly;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.PublicKey;
import dev.tsj.crypto.X25519;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The relay's opening exchange: the relay's key and a fresh challenge, the client's proof
 * that it holds its node key (a box only X25519(node private, relay public) opens), and
 * the relay's sealed server info. Each connection derives fresh keys from the challenge,
 * so a recorded proof is worthless on another connection.
 */
public final class RelayHandshake {
    private RelayHandshake() {}

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] ZERO_NONCE = new byte[ChaChaPoly.NONCE_SIZE];
    private static final int CLIENT_PLAINTEXT = 4;

    /** The relay's opening frame, as parsed by a client. */
    public record ServerKey(PublicKey relayKey, byte[] challenge) {}

    /** The keys of one connection: {@code clientKey} seals client info, {@code serverKey} server info. */
    public record SessionKeys(AeadKey clientKey, AeadKey serverKey) {
        public void destroy() {
            clientKey.destroy();
            serverKey.destroy();
        }
    }

    /** What the relay learns from a valid client info. */
    public record ClientProof(PublicKey nodeKey, SessionKeys keys) {}

    public static byte[] newChallenge() {
        byte[] c = new byte[RelayProto.CHALLENGE_SIZE];
        RANDOM.nextBytes(c);
        return c;
    }

    /** The SERVER_KEY frame. */
    public static byte[] serverKeyFrame(PublicKey relayKey, byte[] challenge) {
        byte[] p = new byte[RelayProto.SERVER_KEY_SIZE];
        System.arraycopy(RelayProto.MAGIC, 0, p, 0, RelayProto.MAGIC.length);
        relayKey.copyTo(p, RelayProto.MAGIC.length);
        System.arraycopy(challenge, 0, p, RelayProto.MAGIC.length + RelayProto.KEY_SIZE, RelayProto.CHALLENGE_SIZE);
        return Frames.frame(RelayProto.SERVER_KEY, p);
    }

    public static ServerKey parseServerKey(byte[] payload) throws ProtocolException {
        if (payload.length != RelayProto.SERVER_KEY_SIZE
                || !Arrays.equals(payload, 0, RelayProto.MAGIC.length, RelayProto.MAGIC, 0, RelayProto.MAGIC.length)) {
            throw new ProtocolException("not a tsj relay (bad server key frame)");
        }
        int k = RelayProto.MAGIC.length;
        return new ServerKey(new PublicKey(Arrays.copyOfRange(payload, k, k + RelayProto.KEY_SIZE)),
                Arrays.copyOfRange(payload, k + RelayProto.KEY_SIZE, payload.length));
    }

    /**
     * Client side: the CLIENT_INFO frame proving {@code nodeKey}, and the keys to open the
     * relay's server info with. Throws if the relay's key is a low-order point.
     */
    public static byte[] clientInfoFrame(PrivateKey nodeKey, ServerKey server, SessionKeys[] keysOut)
            throws ProtocolException {
        PublicKey nodePublic = nodeKey.publicKey();
        byte[] priv = nodeKey.bytes();
        SessionKeys keys;
        try {
            keys = derive(priv, server.relayKey(), server.relayKey(), nodePublic, server.challenge());
        } finally {
            Arrays.fill(priv, (byte) 0);
        }
        if (keys == null) {
            throw new ProtocolException("relay key is not a usable X25519 key");
        }
        byte[] plain = {(byte) (RelayProto.VERSION >>> 8), (byte) RelayProto.VERSION, 0, 0};
        byte[] p = new byte[RelayProto.KEY_SIZE + CLIENT_PLAINTEXT + ChaChaPoly.TAG_SIZE];
        nodePublic.copyTo(p, 0);
        new ChaChaPoly().sealWithNonce(keys.clientKey(), ZERO_NONCE, null, plain, 0, plain.length, p, RelayProto.KEY_SIZE);
        keysOut[0] = keys;
        return Frames.frame(RelayProto.CLIENT_INFO, p);
    }

    /**
     * Relay side: checks a CLIENT_INFO payload against this connection's challenge.
     * Returns null when it is malformed or not made with the node's private key.
     */
    public static ClientProof openClientInfo(PrivateKey relayKey, byte[] challenge, byte[] payload) {
        if (payload.length != RelayProto.KEY_SIZE + CLIENT_PLAINTEXT + ChaChaPoly.TAG_SIZE) {
            return null;
        }
        PublicKey node = new PublicKey(Arrays.copyOf(payload, RelayProto.KEY_SIZE));
        byte[] priv = relayKey.bytes();
        SessionKeys keys;
        try {
            keys = derive(priv, node, relayKey.publicKey(), node, challenge);
        } finally {
            Arrays.fill(priv, (byte) 0);
        }
        if (keys == null) {
            return null;
        }
        byte[] plain = new byte[payload.length - RelayProto.KEY_SIZE];
        int n = new ChaChaPoly().openWithNonce(keys.clientKey(), ZERO_NONCE, null, payload, RelayProto.KEY_SIZE,
                payload.length - RelayProto.KEY_SIZE, plain, 0);
        if (n != CLIENT_PLAINTEXT) {
            keys.destroy();
            return null;
        }
        return new ClientProof(node, keys);
    }

    public static byte[] serverInfoFrame(SessionKeys keys, ServerInfo info) {
        byte[] plain = info.encode();
        byte[] sealed = new byte[plain.length + ChaChaPoly.TAG_SIZE];
        new ChaChaPoly().sealWithNonce(keys.serverKey(), ZERO_NONCE, null, plain, 0, plain.length, sealed, 0);
        return Frames.frame(RelayProto.SERVER_INFO, sealed);
    }

    /** Client side: opens the relay's server info; a wrong seal means an impostor relay. */
    public static ServerInfo openServerInfo(SessionKeys keys, byte[] payload) throws ProtocolException {
        if (payload.length < ChaChaPoly.TAG_SIZE) {
            throw new ProtocolException("malformed server info");
        }
        byte[] plain = new byte[payload.length];
        int n = new ChaChaPoly().openWithNonce(keys.serverKey(), ZERO_NONCE, null, payload, 0, payload.length, plain, 0);
        if (n < 0) {
            throw new ProtocolException("server info not sealed by the relay's key");
        }
        return ServerInfo.decode(Arrays.copyOf(plain, n));
    }

    private static SessionKeys derive(byte[] priv, PublicKey peer, PublicKey relayPublic, PublicKey nodePublic,
                                      byte[] challenge) {
        byte[] dh = new byte[32];
        byte[] peerBytes = peer.bytes();
        try {
            if (!X25519.sharedSecret(priv, peerBytes, dh)) {
                return null;
            }
            byte[] salt = Blake2s.hash(RelayProto.KDF_LABEL, relayPublic.bytes(), nodePublic.bytes(), challenge);
            byte[][] k = Blake2s.kdf(2, salt, dh);
            SessionKeys keys = new SessionKeys(new AeadKey(k[0]), new AeadKey(k[1]));
            Arrays.fill(k[0], (byte) 0);
            Arrays.fill(k[1], (byte) 0);
            return keys;
        } finally {
            Arrays.fill(dh, (byte) 0);
        }
    }
}
