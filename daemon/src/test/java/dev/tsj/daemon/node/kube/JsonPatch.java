package dev.tsj.daemon.node.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * RFC 6902 as the API server applies it to an object, for the test double: add, remove,
 * replace and test on members of objects (Secrets have no arrays worth patching).
 * A failed operation throws with the reason.
 */
final class JsonPatch {
    private JsonPatch() {}

    static void apply(ObjectNode doc, JsonNode ops) {
        if (!ops.isArray()) {
            throw new IllegalArgumentException("a JSON Patch is an array of operations");
        }
        for (JsonNode op : ops) {
            String kind = op.path("op").asText("");
            String path = op.path("path").asText(null);
            if (path == null || !path.startsWith("/")) {
                throw new IllegalArgumentException("operation " + kind + ": path must be a JSON pointer");
            }
            String[] tokens = path.substring(1).split("/", -1);
            ObjectNode parent = doc;
            for (int i = 0; i < tokens.length - 1; i++) {
                JsonNode next = parent.get(unescape(tokens[i]));
                if (!(next instanceof ObjectNode o)) {
                    throw new IllegalArgumentException("doc is missing path: \"" + path + "\"");
                }
                parent = o;
            }
            String last = unescape(tokens[tokens.length - 1]);
            switch (kind) {
                case "add" -> parent.set(last, value(op));
                case "replace" -> {
                    requirePresent(parent, last, path);
                    parent.set(last, value(op));
                }
                case "remove" -> {
                    requirePresent(parent, last, path);
                    parent.remove(last);
                }
                case "test" -> {
                    if (!value(op).equals(parent.get(last))) {
                        throw new IllegalArgumentException("testing value " + path + " failed");
                    }
                }
                default -> throw new IllegalArgumentException("unsupported operation \"" + kind + "\"");
            }
        }
    }

    private static JsonNode value(JsonNode op) {
        if (!op.has("value")) {
            throw new IllegalArgumentException("operation " + op.path("op").asText() + " needs a value");
        }
        return op.get("value").deepCopy();
    }

    private static void requirePresent(ObjectNode parent, String key, String path) {
        if (!parent.has(key)) {
            throw new IllegalArgumentException("doc is missing key: \"" + path + "\"");
        }
    }

    private static String unescape(String token) {
        return token.replace("~1", "/").replace("~0", "~");
    }
}
