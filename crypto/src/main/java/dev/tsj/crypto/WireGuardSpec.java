package dev.tsj.crypto;

import java.nio.charset.StandardCharsets;

/**
 * Every constant of the WireGuard protocol, under the names the WireGuard paper
 * (whitepaper section 5 and 6) and wireguard-go use, so that code reads like the spec.
 */
public final class WireGuardSpec {
    private WireGuardSpec() {}

    // Section 5.4: the Noise construction and the identifier mixed in as prologue.
    public static final byte[] CONSTRUCTION =
            "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] IDENTIFIER =
            "WireGuard v1 zx2c4 Jason@zx2c4.com".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] LABEL_MAC1 = "mac1----".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] LABEL_COOKIE = "cookie--".getBytes(StandardCharsets.US_ASCII);

    // Message types (first byte; the next three are zero).
    public static final int MESSAGE_INITIATION_TYPE = 1;
    public static final int MESSAGE_RESPONSE_TYPE = 2;
    public static final int MESSAGE_COOKIE_REPLY_TYPE = 3;
    public static final int MESSAGE_TRANSPORT_TYPE = 4;

    // Sizes.
    public static final int KEY_SIZE = 32;
    public static final int HASH_SIZE = 32;
    public static final int MAC_SIZE = 16;
    public static final int AEAD_TAG_SIZE = 16;
    public static final int COOKIE_SIZE = 16;
    public static final int COOKIE_NONCE_SIZE = 24;
    public static final int TIMESTAMP_SIZE = 12;
    public static final int MESSAGE_INITIATION_SIZE = 148;
    public static final int MESSAGE_RESPONSE_SIZE = 92;
    public static final int MESSAGE_COOKIE_REPLY_SIZE = 64;
    public static final int MESSAGE_TRANSPORT_HEADER_SIZE = 16;
    public static final int MESSAGE_TRANSPORT_MIN_SIZE = MESSAGE_TRANSPORT_HEADER_SIZE + AEAD_TAG_SIZE;
    /** Plaintext is zero-padded to a multiple of this before sealing (section 5.4.6). */
    public static final int PADDING_MULTIPLE = 16;

    // Field offsets inside the messages.
    public static final int OFFSET_SENDER = 4;
    public static final int OFFSET_INITIATION_EPHEMERAL = 8;
    public static final int OFFSET_INITIATION_STATIC = 40;
    public static final int OFFSET_INITIATION_TIMESTAMP = 88;
    public static final int OFFSET_RESPONSE_RECEIVER = 8;
    public static final int OFFSET_RESPONSE_EPHEMERAL = 12;
    public static final int OFFSET_RESPONSE_EMPTY = 44;
    public static final int OFFSET_COOKIE_RECEIVER = 4;
    public static final int OFFSET_COOKIE_NONCE = 8;
    public static final int OFFSET_COOKIE_DATA = 32;
    public static final int OFFSET_TRANSPORT_RECEIVER = 4;
    public static final int OFFSET_TRANSPORT_COUNTER = 8;
    public static final int OFFSET_TRANSPORT_CONTENT = 16;

    /** mac1 sits 32 bytes before the end of a handshake message, mac2 16 before. */
    public static int offsetMac1(int messageSize) {
        return messageSize - 2 * MAC_SIZE;
    }

    public static int offsetMac2(int messageSize) {
        return messageSize - MAC_SIZE;
    }

    // Section 6.1 timers and limits, in nanoseconds or counts.
    public static final long REKEY_AFTER_MESSAGES = 1L << 60;
    public static final long REJECT_AFTER_MESSAGES = -1L - (1L << 13); // 2^64 - 2^13 - 1 as unsigned
    public static final long REKEY_AFTER_TIME = 120_000_000_000L;
    public static final long REJECT_AFTER_TIME = 180_000_000_000L;
    public static final long REKEY_ATTEMPT_TIME = 90_000_000_000L;
    public static final long REKEY_TIMEOUT = 5_000_000_000L;
    public static final long KEEPALIVE_TIMEOUT = 10_000_000_000L;
    /** Keys are zeroed after three times REJECT_AFTER_TIME without a new handshake. */
    public static final long ZERO_KEYS_AFTER = 3 * REJECT_AFTER_TIME;
    /** Random jitter added to each handshake retry (wireguard-go: up to 333 ms). */
    public static final long REKEY_TIMEOUT_JITTER_MAX = 333_000_000L;
    /** The responder-side "receiving" rekey: initiate if current keys are this old on receive. */
    public static final long REKEY_AFTER_TIME_RECEIVING = REJECT_AFTER_TIME - KEEPALIVE_TIMEOUT - REKEY_TIMEOUT;
    /** Cookies (and the secret behind them) are valid for two minutes. */
    public static final long COOKIE_REFRESH_TIME = 120_000_000_000L;
    /** A peer accepts at most 50 initiations a second (wireguard-go's HandshakeInitationRate). */
    public static final long HANDSHAKE_INITIATION_RATE = 1_000_000_000L / 50;

    /** The replay window: 8192 bits in 64-bit words, one word kept free for sliding. */
    public static final int REPLAY_WINDOW_WORD_BITS = 64;
    public static final int REPLAY_WINDOW_WORDS = 128;
    public static final int REPLAY_WINDOW_SIZE = (REPLAY_WINDOW_WORDS - 1) * REPLAY_WINDOW_WORD_BITS; // 8128
}
