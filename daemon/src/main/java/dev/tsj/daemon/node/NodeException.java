package dev.tsj.daemon.node;

/** A request the node refuses or cannot carry out; the message is one line for the user. */
public final class NodeException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int httpStatus;

    public NodeException(int httpStatus, String message) {
        super(message, null, false, false);
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
