package dev.tsj.control.relay.proto;

import java.nio.charset.StandardCharsets;

/**
 * The tsj relay protocol, in one place. A node that cannot reach a peer directly sends
 * its WireGuard packets, still encrypted end to end, to a relay over TCP; the relay passes
 * them to the peer's own relay connection by node key. It plays the part of Tailscale's
 * DERP, with a server-chosen challenge in the key proof so a recorded proof cannot be
 * replayed over plain HTTP.
 *
 * <p>The connection starts as {@code GET /relay} with {@code Upgrade: tsj-relay} and
 * {@code Connection: Upgrade}; after {@code 101 Switching Protocols} both sides exchange
 * frames {@code type(1) | length(4, big-endian) | payload}:
 * <pre>
 *   server: SERVER_KEY  magic(8) | relay public key(32) | challenge(32)
 *   client: CLIENT_INFO node public key(32) | AEAD(kc, version(2) | flags(2))
 *   server: SERVER_INFO AEAD(ks, version(2) | keepalive ms(4) | name length(1) | name)
 *   then either side: KEEP_ALIVE, PING/PONG (8 bytes), and
 *   client: SEND_PACKET destination key(32) | packet
 *   server: RECV_PACKET source key(32) | packet, PEER_GONE key(32) | reason(1),
 *           HEALTH utf-8 text ("" = healthy), RESTARTING reconnect-in ms(4) | try-for ms(4)
 * </pre>
 * where {@code (kc, ks) = KDF2(HASH(LABEL | relay key | node key | challenge),
 * X25519(node private, relay public))} and AEAD is ChaCha20-Poly1305 with a zero nonce
 * (each key seals exactly one message). Only the holder of the node's private key can make
 * CLIENT_INFO, only the holder of the relay's private key can make SERVER_INFO.
 */
public final class RelayProto {
    private RelayProto() {}

    public static final String PATH = "/relay";
    /** Standalone relays ask the control server about a node key here (bearer secret). */
    public static final String ADMIT_PATH = "/relay/admit";
    /** Relay counters as JSON, answered to loopback callers only. */
    public static final String STATS_PATH = "/relay/stats";
    public static final String UPGRADE_TOKEN = "tsj-relay";

    public static final int VERSION = 1;
    public static final byte[] MAGIC = "TSJRELAY".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] KDF_LABEL = "tsj relay client info v1".getBytes(StandardCharsets.US_ASCII);

    public static final int KEY_SIZE = 32;
    public static final int CHALLENGE_SIZE = 32;
    public static final int PING_SIZE = 8;
    public static final int FRAME_HEADER = 5;
    /** The largest packet relayed (as DERP: any WireGuard packet fits). */
    public static final int MAX_PACKET = 64 * 1024;
    /** The largest frame payload either side accepts; a longer length closes the connection. */
    public static final int MAX_PAYLOAD = KEY_SIZE + MAX_PACKET;
    public static final int MAX_HEALTH_TEXT = 1024;
    public static final int MAX_NAME = 63;

    public static final int SERVER_KEY = 1;
    public static final int CLIENT_INFO = 2;
    public static final int SERVER_INFO = 3;
    public static final int SEND_PACKET = 4;
    public static final int RECV_PACKET = 5;
    public static final int KEEP_ALIVE = 6;
    public static final int PING = 7;
    public static final int PONG = 8;
    public static final int PEER_GONE = 9;
    public static final int HEALTH = 10;
    public static final int RESTARTING = 11;

    public static final int SERVER_KEY_SIZE = 8 + KEY_SIZE + CHALLENGE_SIZE;
}
