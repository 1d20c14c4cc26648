package dev.tsj.crypto;

/** An X25519 public key: a WireGuard peer's identity. */
public final class PublicKey extends Key32 {
    public PublicKey(byte[] bytes) {
        super(bytes);
    }

    public static PublicKey fromBase64(String text) {
        return new PublicKey(decodeBase64(text, "public key"));
    }

    public static PublicKey fromHex(String text) {
        return new PublicKey(decodeHex(text, "public key"));
    }

    /** A short form for logs and status (first 8 base64 characters), like wg's output abbreviations. */
    public String shortString() {
        return "[" + toBase64().substring(0, 5) + "]";
    }

    @Override
    public String toString() {
        return toBase64();
    }
}
