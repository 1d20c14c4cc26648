package dev.tsj.cli.containerboot;

/** A setting containerboot refuses; the message is the one line the user sees. */
final class BootConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    BootConfigException(String message) {
        super(message, null, false, false);
    }
}
