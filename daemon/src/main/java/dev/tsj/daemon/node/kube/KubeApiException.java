package dev.tsj.daemon.node.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * A request the API server refused, with its {@code Status} object's code, reason and
 * message (e.g. 403 {@code Forbidden}, 404 {@code NotFound}, 409 {@code AlreadyExists} or
 * {@code Conflict}). The message is one line, fit to show a user.
 */
public final class KubeApiException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String reason;

    KubeApiException(int code, String reason, String message) {
        super(message, null);
        this.code = code;
        this.reason = reason;
    }

    /** From an error response: its Status body when it has one, else the bare status line. */
    static KubeApiException of(int code, JsonNode status, String method, String path) {
        String reason = status != null ? status.path("reason").asText("") : "";
        String message = status != null ? status.path("message").asText("") : "";
        if (message.isEmpty()) {
            message = method + " " + path + " answered HTTP " + code;
        }
        return new KubeApiException(code, reason, message.replace('\n', ' ') + " (HTTP " + code + ")");
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }
}
