package dev.tsj.control.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tsj.control.core.ControlError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The fields of one admin request, read strictly: a wrong type is an error, not a guess. */
final class AdminArgs {
    private final JsonNode node;

    AdminArgs(JsonNode node) {
        this.node = node;
    }

    String string(String name) throws ControlError {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            throw ControlError.badRequest("missing field \"" + name + "\"");
        }
        if (!v.isTextual()) {
            throw ControlError.badRequest("field \"" + name + "\" must be a string");
        }
        return v.textValue();
    }

    boolean bool(String name) throws ControlError {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw ControlError.badRequest("field \"" + name + "\" must be true or false");
        }
        return v.booleanValue();
    }

    List<String> strings(String name, boolean required) throws ControlError {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                throw ControlError.badRequest("missing field \"" + name + "\"");
            }
            return List.of();
        }
        if (!v.isArray()) {
            throw ControlError.badRequest("field \"" + name + "\" must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw ControlError.badRequest("field \"" + name + "\" must be a list of strings");
            }
            out.add(e.textValue());
        }
        return out;
    }

    /** A duration given in whole seconds; null when absent. */
    Duration seconds(String name) throws ControlError {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ControlError.badRequest("field \"" + name + "\" must be a whole number of seconds");
        }
        return Duration.ofSeconds(v.longValue());
    }
}
