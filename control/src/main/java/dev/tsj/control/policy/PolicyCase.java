package dev.tsj.control.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One conformance case captured from Tailscale's control plane: a policy, a topology, whether
 * the control plane accepted the policy, and what each node then received.
 *
 * <p>The captures do not record the order in which nodes registered, which decides the primary
 * of an HA route. A node's {@code "id"} gives it; otherwise a {@code node-registration-order.json}
 * next to the case or one folder up ({@code {"order": [hostnames...]}}) does; nodes named in
 * neither follow, in file order.
 */
public record PolicyCase(String id, String category, String policyText, boolean controlAcceptsPolicy, Topology topology,
                         Map<String, Long> nodeIds, JsonNode expected) {

    static final String REGISTRATION_ORDER_FILE = "node-registration-order.json";

    public static PolicyCase read(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode root = json.readTree(Files.readString(file));
        JsonNode policy = required(root, "policy");
        String policyText = policy.isTextual() ? policy.asText() : json.writeValueAsString(policy);
        JsonNode topo = required(root, "topology");

        List<TopologyUser> users = new ArrayList<>();
        Map<String, Long> userIds = new HashMap<>();
        for (JsonNode u : topo.path("users")) {
            TopologyUser user = new TopologyUser(u.path("id").asLong(), u.path("name").asText(), u.path("email").asText(null));
            users.add(user);
            userIds.put(user.name(), user.id());
        }

        List<String> order = registrationOrder(file.toAbsolutePath().getParent(), json);
        Map<String, Long> nodeIds = new LinkedHashMap<>();
        List<TopologyNode> nodes = new ArrayList<>();
        long nextUnlisted = order.size() + 1L;
        Iterator<Map.Entry<String, JsonNode>> it = required(topo, "nodes").properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode n = e.getValue();
            long nodeId;
            if (n.has("id")) {
                nodeId = n.get("id").asLong();
            } else if (order.contains(e.getKey())) {
                nodeId = order.indexOf(e.getKey()) + 1L;
            } else {
                nodeId = nextUnlisted++;
            }
            OptionalLong owner = n.hasNonNull("user") && userIds.containsKey(n.get("user").asText())
                    ? OptionalLong.of(userIds.get(n.get("user").asText())) : OptionalLong.empty();
            List<IpAddress> addresses = new ArrayList<>();
            for (String field : List.of("ipv4", "ipv6")) {
                if (n.hasNonNull(field)) {
                    addresses.add(IpAddress.parse(n.get(field).asText())
                            .orElseThrow(() -> new IOException(e.getKey() + ": bad " + field)));
                }
            }
            nodes.add(new TopologyNode(nodeId, n.path("hostname").asText(e.getKey()), owner, strings(n.path("tags")),
                    addresses, prefixes(n.path("routable_ips")), prefixes(n.path("approved_routes"))));
            nodeIds.put(e.getKey(), nodeId);
        }
        return new PolicyCase(root.path("id").asText(file.getFileName().toString()), root.path("category").asText(""), policyText,
                required(root, "control_accepts_policy").asBoolean(),
                Topology.electingPrimaries(users, nodes), nodeIds, required(root, "expected"));
    }

    private static List<String> registrationOrder(Path dir, ObjectMapper json) throws IOException {
        for (Path d : java.util.Arrays.asList(dir, dir.getParent())) {
            Path f = d == null ? null : d.resolve(REGISTRATION_ORDER_FILE);
            if (f != null && Files.isRegularFile(f)) {
                return strings(json.readTree(Files.readString(f)).path("order"));
            }
        }
        return List.of();
    }

    private static JsonNode required(JsonNode node, String field) throws IOException {
        if (!node.has(field)) {
            throw new IOException("missing field \"" + field + "\"");
        }
        return node.get(field);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static List<IpPrefix> prefixes(JsonNode array) throws IOException {
        List<IpPrefix> out = new ArrayList<>();
        for (JsonNode v : array) {
            out.add(IpPrefix.parse(v.asText()).orElseThrow(() -> new IOException("bad route " + v.asText())));
        }
        return out;
    }
}
