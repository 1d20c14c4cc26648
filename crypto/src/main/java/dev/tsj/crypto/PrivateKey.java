package dev.tsj.crypto;

/** An X25519 private key, always held clamped (RFC 7748 section 5), as {@code wg genkey} emits. */
public final class PrivateKey extends Key32 {
    public PrivateKey(byte[] bytes) {
        super(clamp(checkedCopy(bytes)), true);
    }

    private static byte[] checkedCopy(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new KeyFormatException("key must be 32 bytes, got " + bytes.length);
        }
        return bytes.clone();
    }

    public static PrivateKey generate() {
        return fromRandom(PrivateKey::new);
    }

    public static PrivateKey fromBase64(String text) {
        return new PrivateKey(decodeBase64(text, "private key"));
    }

    public static PrivateKey fromHex(String text) {
        return new PrivateKey(decodeHex(text, "private key"));
    }

    static byte[] clamp(byte[] k) {
        k[0] &= (byte) 248;
        k[31] &= 127;
        k[31] |= 64;
        return k;
    }

    public PublicKey publicKey() {
        return new PublicKey(X25519.publicKey(raw()));
    }

    @Override
    public String toString() {
        return "PrivateKey[redacted]";
    }
}
