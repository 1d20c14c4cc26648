package dev.tsj.control.noise;

/** A handshake message that does not verify or is malformed. */
public final class HandshakeException extends Exception {
    public HandshakeException(String message) {
        super(message);
    }
}
