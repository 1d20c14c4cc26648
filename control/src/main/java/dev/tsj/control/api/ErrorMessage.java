package dev.tsj.control.api;

/**
 * A refusal. {@code message} is one line meant for the user as it is (the CLI prints it
 * verbatim); {@code code} is for programs (see {@link ErrorCode}).
 */
public record ErrorMessage(String code, String message) implements Message {
    public static ErrorMessage of(ErrorCode code, String message) {
        return new ErrorMessage(code.wire(), message);
    }
}
