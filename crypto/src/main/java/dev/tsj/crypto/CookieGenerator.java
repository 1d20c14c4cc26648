package dev.tsj.crypto;

import static dev.tsj.crypto.WireGuardSpec.*;

import java.util.Arrays;

/**
 * The sending side of WireGuard's DoS protection, one per peer: adds mac1 (keyed by the
 * peer's public key) and, while a fresh cookie from that peer is held, mac2 to each
 * handshake message; consumes the peer's cookie replies. Thread-safe.
 */
public final class CookieGenerator {
    private final byte[] mac1Key;
    private final byte[] decryptionKey;
    private byte[] lastMac1;
    private byte[] cookie;
    private long cookieReceived;

    public CookieGenerator(PublicKey peerPublicKey) {
        mac1Key = Blake2s.hash(LABEL_MAC1, peerPublicKey.raw());
        decryptionKey = Blake2s.hash(LABEL_COOKIE, peerPublicKey.raw());
    }

    /** Writes mac1 and mac2 into the last 32 bytes of {@code msg}. */
    public synchronized void addMacs(byte[] msg, long nowNanos) {
        int len = msg.length;
        byte[] mac1 = Blake2s.mac(mac1Key, msg, 0, offsetMac1(len));
        System.arraycopy(mac1, 0, msg, offsetMac1(len), MAC_SIZE);
        lastMac1 = mac1;
        if (cookie != null && nowNanos - cookieReceived <= COOKIE_REFRESH_TIME) {
            byte[] mac2 = Blake2s.mac(cookie, msg, 0, offsetMac2(len));
            System.arraycopy(mac2, 0, msg, offsetMac2(len), MAC_SIZE);
        } else {
            Arrays.fill(msg, offsetMac2(len), len, (byte) 0);
        }
    }

    /**
     * Takes a cookie reply answering our last handshake message. Returns false (drop) if
     * we sent nothing it could answer or it does not decrypt.
     */
    public synchronized boolean consumeReply(byte[] reply, long nowNanos) {
        if (reply.length != MESSAGE_COOKIE_REPLY_SIZE || lastMac1 == null) {
            return false;
        }
        byte[] nonce = Arrays.copyOfRange(reply, OFFSET_COOKIE_NONCE, OFFSET_COOKIE_NONCE + COOKIE_NONCE_SIZE);
        byte[] sealed = Arrays.copyOfRange(reply, OFFSET_COOKIE_DATA, MESSAGE_COOKIE_REPLY_SIZE);
        byte[] opened = XChaChaPoly.open(decryptionKey, nonce, sealed, lastMac1);
        if (opened == null || opened.length != COOKIE_SIZE) {
            return false;
        }
        if (cookie != null) {
            Arrays.fill(cookie, (byte) 0);
        }
        cookie = opened;
        cookieReceived = nowNanos;
        return true;
    }
}
