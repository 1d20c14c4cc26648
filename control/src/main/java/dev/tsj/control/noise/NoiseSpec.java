package dev.tsj.control.noise;

import java.nio.charset.StandardCharsets;

/** The constants of tsj's control channel: Noise IK and the frames that carry it. */
public final class NoiseSpec {
    private NoiseSpec() {}

    /** The Noise protocol name, mixed into the initial chaining key and hash. */
    public static final byte[] PROTOCOL_NAME = "Noise_IK_25519_ChaChaPoly_BLAKE2s".getBytes(StandardCharsets.US_ASCII);
    /** Bound into the handshake hash, so that a handshake of another protocol or version fails. */
    public static final byte[] PROLOGUE = "tsj control protocol v1".getBytes(StandardCharsets.US_ASCII);

    public static final int DH_LEN = 32;
    public static final int TAG_LEN = 16;
    /** The largest Noise message (Noise spec section 3). */
    public static final int MAX_MESSAGE = 65535;

    /** The HTTP Upgrade token and the header that carries the first handshake message. */
    public static final String UPGRADE_TOKEN = "tsj-control-v1";
    public static final String HANDSHAKE_HEADER = "Tsj-Handshake";
    /** The path of the upgrade request. */
    public static final String CONTROL_PATH = "/control";

    /** Frame types: the responder's handshake message, then transport data. */
    public static final byte FRAME_HANDSHAKE = 2;
    public static final byte FRAME_DATA = 4;
    /** Frame header: type (1 byte), length (2 bytes, big-endian). */
    public static final int FRAME_HEADER = 3;
    /** The largest plaintext in one data frame: one flags byte, then message bytes. */
    public static final int MAX_FRAME_PLAINTEXT = MAX_MESSAGE - TAG_LEN;
    public static final int MAX_CHUNK = MAX_FRAME_PLAINTEXT - 1;
    /** Flags byte of a data frame: set on the last chunk of a message. */
    public static final byte FLAG_FINAL = 1;
}
