package dev.tsj.daemon.node.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Secret as the API server returned it: what the store needs of it.
 *
 * @param resourceVersion the version an update must name (optimistic concurrency)
 * @param hasData         whether the object has a {@code data} map at all (an empty
 *                        Secret comes back without one, and a JSON Patch must then add it whole)
 * @param data            key to base64 value, as on the wire
 */
record Secret(String name, String resourceVersion, boolean hasData, Map<String, String> data) {
    Secret {
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    static Secret of(JsonNode o) {
        Map<String, String> data = new LinkedHashMap<>();
        JsonNode d = o.path("data");
        d.properties().forEach(e -> data.put(e.getKey(), e.getValue().asText()));
        return new Secret(o.path("metadata").path("name").asText(), o.path("metadata").path("resourceVersion").asText(""),
                d.isObject(), data);
    }

    /** The decoded value of {@code key}, or null. */
    byte[] bytes(String key) {
        String v = data.get(key);
        return v == null ? null : Base64.getDecoder().decode(v);
    }

    static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
