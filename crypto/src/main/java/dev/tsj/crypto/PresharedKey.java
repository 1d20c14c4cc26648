package dev.tsj.crypto;

/** WireGuard's optional symmetric preshared key (the "psk" of IKpsk2); all zero means none. */
public final class PresharedKey extends Key32 {
    public PresharedKey(byte[] bytes) {
        super(bytes);
    }

    public static PresharedKey zero() {
        return new PresharedKey(new byte[LENGTH]);
    }

    public static PresharedKey generate() {
        return fromRandom(PresharedKey::new);
    }

    public static PresharedKey fromBase64(String text) {
        return new PresharedKey(decodeBase64(text, "preshared key"));
    }

    public static PresharedKey fromHex(String text) {
        return new PresharedKey(decodeHex(text, "preshared key"));
    }

    @Override
    public String toString() {
        return "PresharedKey[redacted]";
    }
}
