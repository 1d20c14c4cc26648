package dev.tsj.control.api;

import java.util.Arrays;

/** Why the server refused a request; each has one user-facing message pattern. */
public enum ErrorCode {
    AUTH_KEY_INVALID("auth-key-invalid"),
    AUTH_KEY_USED("auth-key-used"),
    AUTH_KEY_EXPIRED("auth-key-expired"),
    AUTH_KEY_REQUIRED("auth-key-required"),
    NODE_KEY_EXPIRED("node-key-expired"),
    NOT_REGISTERED("not-registered"),
    NODE_DELETED("node-deleted"),
    BAD_REQUEST("bad-request"),
    TOO_LARGE("too-large"),
    UNAVAILABLE("unavailable"),
    INTERNAL("internal");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** The code for a wire name; unknown names (from a newer server) map to INTERNAL. */
    public static ErrorCode fromWire(String s) {
        return Arrays.stream(values()).filter(c -> c.wire.equals(s)).findFirst().orElse(INTERNAL);
    }
}
