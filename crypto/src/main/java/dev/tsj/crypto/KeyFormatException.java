package dev.tsj.crypto;

/** A key's text form could not be decoded; the message is fit to show a user. */
public final class KeyFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public KeyFormatException(String message) {
        super(message);
    }
}
