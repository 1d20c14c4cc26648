package dev.tsj.control.core;

import dev.tsj.control.api.ErrorCode;
import dev.tsj.control.api.ErrorMessage;

/** A refused request: a code for programs and one line for the user. Changes nothing. */
public final class ControlError extends Exception {
    private final ErrorCode code;

    public ControlError(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public ErrorMessage toMessage() {
        return ErrorMessage.of(code, getMessage());
    }

    public static ControlError badRequest(String message) {
        return new ControlError(ErrorCode.BAD_REQUEST, message);
    }

    public static ControlError notFound(String message) {
        return new ControlError(ErrorCode.NOT_REGISTERED, message);
    }
}
