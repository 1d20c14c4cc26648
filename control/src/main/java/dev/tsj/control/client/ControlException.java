package dev.tsj.control.client;

import dev.tsj.control.api.ErrorCode;
import dev.tsj.control.api.ErrorMessage;

/**
 * A control-server request that failed. {@link #getMessage()} is one line for the user
 * (the CLI prints it as it is, e.g. "auth key already used: ..."); {@link #code()} says
 * why, for programs: {@link ErrorCode#UNAVAILABLE} when the server could not be reached.
 */
public final class ControlException extends Exception {
    private final ErrorCode code;

    public ControlException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public static ControlException from(ErrorMessage m) {
        return new ControlException(ErrorCode.fromWire(m.code()), m.message());
    }

    public ErrorCode code() {
        return code;
    }

    /** Whether the node must log in again (with an auth key) before a map session can work. */
    public boolean needsLogin() {
        return switch (code) {
            case NODE_KEY_EXPIRED, NOT_REGISTERED, NODE_DELETED, AUTH_KEY_REQUIRED -> true;
            default -> false;
        };
    }
}
