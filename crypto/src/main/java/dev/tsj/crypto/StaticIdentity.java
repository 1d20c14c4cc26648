package dev.tsj.crypto;

/** The local device's static key pair, as the handshake needs it. */
public final class StaticIdentity {
    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    public StaticIdentity(PrivateKey privateKey) {
        this.privateKey = privateKey;
        this.publicKey = privateKey.publicKey();
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    byte[] rawPrivate() {
        return privateKey.raw();
    }
}
