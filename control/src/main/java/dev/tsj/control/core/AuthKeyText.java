package dev.tsj.control.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The text form of an auth key, {@code tskey-auth-<id>-<secret>}: the id (12 hex digits)
 * finds the stored row, the secret (32 hex digits, 128 random bits) proves possession.
 * Only SHA-256 of the whole text is stored; a 128-bit random secret needs no salt or
 * slow hash.
 */
public record AuthKeyText(String keyId, String text) {
    public static final String PREFIX = "tskey-auth-";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    public static AuthKeyText generate() {
        byte[] id = new byte[6];
        byte[] secret = new byte[16];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        String keyId = HEX.formatHex(id);
        return new AuthKeyText(keyId, PREFIX + keyId + "-" + HEX.formatHex(secret));
    }

    /** Parses a key text; null if it does not have the shape of one. */
    public static AuthKeyText parse(String text) {
        if (text == null) {
            return null;
        }
        String s = text.strip();
        if (!s.startsWith(PREFIX) || s.length() != PREFIX.length() + 12 + 1 + 32 || s.charAt(PREFIX.length() + 12) != '-') {
            return null;
        }
        String keyId = s.substring(PREFIX.length(), PREFIX.length() + 12);
        String secret = s.substring(PREFIX.length() + 13);
        if (!isHex(keyId) || !isHex(secret)) {
            return null;
        }
        return new AuthKeyText(keyId, s);
    }

    public byte[] hash() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How lists show a key: its id, never its secret. */
    public static String display(String keyId) {
        return PREFIX + keyId + "-…";
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "AuthKeyText[" + display(keyId) + "]";
    }
}
