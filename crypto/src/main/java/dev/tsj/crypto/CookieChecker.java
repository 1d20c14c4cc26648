package dev.tsj.crypto;

import static dev.tsj.crypto.WireGuardSpec.*;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The receiving side of WireGuard's DoS protection (whitepaper section 5.4.7): checks
 * mac1 (proves the sender knows our public key) and mac2 (proves it can receive at its
 * source address), and builds cookie replies when the device is under load.
 *
 * <p>The cookie secret is random and replaced every two minutes; a cookie is
 * MAC(secret, source address bytes). Thread-safe.
 */
public final class CookieChecker {
    private final SecureRandom random = new SecureRandom();
    private final byte[] mac1Key;
    private final byte[] encryptionKey;
    private final byte[] secret = new byte[KEY_SIZE];
    private long secretCreated;
    private boolean secretSet;

    public CookieChecker(PublicKey ourPublicKey) {
        mac1Key = Blake2s.hash(LABEL_MAC1, ourPublicKey.raw());
        encryptionKey = Blake2s.hash(LABEL_COOKIE, ourPublicKey.raw());
    }

    /** mac1 of a handshake message of {@code len} bytes addressed to us. */
    public boolean checkMac1(byte[] msg, int len) {
        int macOff = offsetMac1(len);
        byte[] expected = Blake2s.mac(mac1Key, msg, 0, macOff);
        return ConstantTime.equals(expected, 0, msg, macOff, MAC_SIZE);
    }

    /** mac2, valid only with a cookie for {@code source} made from the current secret. */
    public boolean checkMac2(byte[] msg, int len, byte[] source, long nowNanos) {
        byte[] cookie;
        synchronized (this) {
            if (!secretSet || nowNanos - secretCreated > COOKIE_REFRESH_TIME) {
                return false;
            }
            cookie = Blake2s.mac(secret, source, 0, source.length);
        }
        int macOff = offsetMac2(len);
        byte[] expected = Blake2s.mac(cookie, msg, 0, macOff);
        return ConstantTime.equals(expected, 0, msg, macOff, MAC_SIZE);
    }

    /** A 64-byte cookie reply to {@code msg} (whose mac1 was valid) from {@code source}. */
    public byte[] createReply(byte[] msg, int len, byte[] source, long nowNanos) {
        byte[] cookie;
        synchronized (this) {
            if (!secretSet || nowNanos - secretCreated > COOKIE_REFRESH_TIME) {
                random.nextBytes(secret);
                secretCreated = nowNanos;
                secretSet = true;
            }
            cookie = Blake2s.mac(secret, source, 0, source.length);
        }
        byte[] reply = new byte[MESSAGE_COOKIE_REPLY_SIZE];
        reply[0] = MESSAGE_COOKIE_REPLY_TYPE;
        System.arraycopy(msg, OFFSET_SENDER, reply, OFFSET_COOKIE_RECEIVER, 4);
        byte[] nonce = new byte[COOKIE_NONCE_SIZE];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, reply, OFFSET_COOKIE_NONCE, COOKIE_NONCE_SIZE);
        byte[] mac1 = Arrays.copyOfRange(msg, offsetMac1(len), offsetMac1(len) + MAC_SIZE);
        byte[] sealed = XChaChaPoly.seal(encryptionKey, nonce, cookie, mac1);
        System.arraycopy(sealed, 0, reply, OFFSET_COOKIE_DATA, sealed.length);
        Arrays.fill(cookie, (byte) 0);
        return reply;
    }
}
