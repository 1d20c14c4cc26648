package dev.tsj.daemon.localapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tsj.daemon.node.NodeException;
import dev.tsj.daemon.node.StatusView;
import dev.tsj.daemon.node.TailnetNode;
import dev.tsj.daemon.node.UpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The LocalAPI's endpoints and their JSON, over a {@link TailnetNode}. */
public final class LocalApiRoutes {
    private LocalApiRoutes() {}

    private static final ObjectMapper JSON = LocalApiServer.JSON;

    public static Map<String, LocalApiServer.Handler> of(TailnetNode node) {
        Map<String, LocalApiServer.Handler> r = new LinkedHashMap<>();
        r.put("GET /localapi/v0/status", body -> node.status().toJson());
        r.put("POST /localapi/v0/up", body -> JSON.valueToTree(node.up(upRequest(body))));
        r.put("POST /localapi/v0/down", body -> {
            node.down();
            return ok();
        });
        r.put("POST /localapi/v0/logout", body -> {
            node.logout();
            return ok();
        });
        r.put("GET /localapi/v0/netcheck", body -> node.netcheck());
        r.put("POST /localapi/v0/ping", body -> {
            String target = text(body, "target", true);
            long timeout = body.has("timeoutMillis") ? number(body, "timeoutMillis") : 5000;
            if (timeout <= 0) {
                throw new NodeException(400, "field \"timeoutMillis\" must be positive");
            }
            StatusView.Pong p = node.ping(target, Math.max(100, Math.min(timeout, 60_000)));
            return JSON.valueToTree(p);
        });
        return r;
    }

    private static ObjectNode ok() {
        return JSON.createObjectNode().put("ok", true);
    }

    static UpRequest upRequest(JsonNode b) throws NodeException {
        if (b == null || !b.isObject()) {
            throw new NodeException(400, "up: expected a JSON object");
        }
        if (b.has("timeoutMillis") && number(b, "timeoutMillis") < 0) {
            throw new NodeException(400, "field \"timeoutMillis\" must not be negative");
        }
        return new UpRequest(text(b, "loginServer", false), text(b, "authKey", false), text(b, "hostname", false),
                list(b, "advertiseRoutes"), bool(b, "acceptRoutes"), list(b, "advertiseTags"), bool(b, "snatSubnetRoutes"),
                Boolean.TRUE.equals(bool(b, "reset")), b.has("timeoutMillis") ? number(b, "timeoutMillis") : 0);
    }

    private static String text(JsonNode b, String field, boolean required) throws NodeException {
        JsonNode v = b == null ? null : b.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new NodeException(400, "missing field \"" + field + "\"");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new NodeException(400, "field \"" + field + "\" must be a string");
        }
        return v.asText();
    }

    private static Boolean bool(JsonNode b, String field) throws NodeException {
        JsonNode v = b.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw new NodeException(400, "field \"" + field + "\" must be true or false");
        }
        return v.asBoolean();
    }

    private static long number(JsonNode b, String field) throws NodeException {
        JsonNode v = b.get(field);
        if (!v.isIntegralNumber()) {
            throw new NodeException(400, "field \"" + field + "\" must be a number");
        }
        return v.asLong();
    }

    private static List<String> list(JsonNode b, String field) throws NodeException {
        JsonNode v = b.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw new NodeException(400, "field \"" + field + "\" must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw new NodeException(400, "field \"" + field + "\" must be a list of strings");
            }
            out.add(e.asText());
        }
        return out;
    }
}
