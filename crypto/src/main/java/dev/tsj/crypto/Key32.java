package dev.tsj.crypto;

import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A 32-byte key, in the two text forms WireGuard tools use: base64 (as {@code wg} prints
 * keys) and lowercase hex (as UAPI carries them). Equality is constant-time. A key can be
 * destroyed: its bytes are zeroed and further use fails.
 */
public abstract sealed class Key32 permits PrivateKey, PublicKey, PresharedKey {
    public static final int LENGTH = WireGuardSpec.KEY_SIZE;
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] bytes;
    private volatile boolean destroyed;

    Key32(byte[] bytes) {
        this(bytes, false);
    }

    /** With {@code owned}, keeps {@code bytes} itself (a private copy the caller made) instead of copying. */
    Key32(byte[] bytes, boolean owned) {
        if (bytes.length != LENGTH) {
            throw new KeyFormatException("key must be 32 bytes, got " + bytes.length);
        }
        this.bytes = owned ? bytes : bytes.clone();
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** Fresh random key material; the caller zeroes it once a key holds a copy. */
    static byte[] randomBytes() {
        byte[] b = new byte[LENGTH];
        RANDOM.nextBytes(b);
        return b;
    }

    static <K extends Key32> K fromRandom(java.util.function.Function<byte[], K> make) {
        byte[] b = randomBytes();
        try {
            return make.apply(b);
        } finally {
            Arrays.fill(b, (byte) 0);
        }
    }

    static byte[] decodeBase64(String text, String what) {
        String s = text.strip();
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new KeyFormatException("invalid " + what + ": not base64");
        }
        if (raw.length != LENGTH || s.length() != 44) {
            throw new KeyFormatException("invalid " + what + ": must be 32 bytes in base64 (44 characters)");
        }
        return raw;
    }

    static byte[] decodeHex(String text, String what) {
        String s = text.strip();
        if (s.length() != 2 * LENGTH) {
            throw new KeyFormatException("invalid " + what + ": must be 64 hex digits");
        }
        try {
            return HEX.parseHex(s);
        } catch (IllegalArgumentException e) {
            throw new KeyFormatException("invalid " + what + ": not hex");
        }
    }

    /** A copy of the key bytes; the caller owns (and should zero) it. */
    public final byte[] bytes() {
        return raw().clone();
    }

    /** The key bytes without a copy, for this package's primitives. Never hand it out. */
    final byte[] raw() {
        if (destroyed) {
            throw new IllegalStateException("key has been destroyed");
        }
        return bytes;
    }

    public final String toBase64() {
        return Base64.getEncoder().encodeToString(raw());
    }

    public final String toHex() {
        return HEX.formatHex(raw());
    }

    /** True for the all-zero key, which UAPI uses to mean "no key". */
    public final boolean isZero() {
        return ConstantTime.isZero(raw());
    }

    /** Zeroes the key bytes. Idempotent. */
    public final void destroy() {
        destroyed = true;
        Arrays.fill(bytes, (byte) 0);
    }

    public final boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public final boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o == null || o.getClass() != getClass()) {
            return false;
        }
        return ConstantTime.equals(raw(), ((Key32) o).raw());
    }

    @Override
    public final int hashCode() {
        // Only public keys are used as map keys; for secrets this hash leaks four bytes
        // to whoever can observe bucket timing, so secret subclasses hash to a constant.
        return this instanceof PublicKey ? Arrays.hashCode(raw()) : getClass().hashCode();
    }
}
