package dev.tsj.daemon.node.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test double of the Kubernetes API server for Secrets in one namespace, over HTTPS,
 * following the documented requests and answers: GET/POST/PATCH (JSON Patch)/PUT on
 * {@code /api/v1/namespaces/NS/secrets[/NAME]}, {@code SelfSubjectAccessReview}, bearer
 * tokens (401 for an unknown one), RBAC (403 with the API server's message), 404
 * NotFound, 409 AlreadyExists on create and 409 Conflict on an update naming a stale
 * resourceVersion, 415 for a patch type it does not implement, 422 for invalid data
 * or a failed patch operation. Errors are {@code Status} objects, as the API server's.
 */
final class FakeKubeApi implements AutoCloseable {
    static final String NAMESPACE = "tsj-test";
    static final String SUBJECT = "system:serviceaccount:" + NAMESPACE + ":tsj";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SECRETS = Pattern.compile("/api/v1/namespaces/([^/]+)/secrets(?:/([^/]+))?");
    private static final String SSAR = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

    /** What an access review answers when the cluster cannot: 404 (old servers) or 403. */
    enum Reviews { ANSWER, NOT_FOUND, FORBIDDEN }

    private final HttpsServer server;
    final Map<String, ObjectNode> secrets = new ConcurrentHashMap<>();
    final Set<String> tokens = ConcurrentHashMap.newKeySet();
    /** Verbs the service account has on every named Secret (get, update, patch) and on the collection (create). */
    final Set<String> verbs = ConcurrentHashMap.newKeySet();
    /** Verbs the Role grants but RBAC refuses anyway: a review says yes, the request gets 403. */
    final Set<String> refusedDespiteReview = ConcurrentHashMap.newKeySet();
    final List<String> log = new CopyOnWriteArrayList<>();
    final List<String> tokensSeen = new CopyOnWriteArrayList<>();
    volatile Reviews reviews = Reviews.ANSWER;
    /** Runs just before the next update (PUT) is applied: another writer, to provoke a 409. */
    volatile Runnable beforeNextUpdate;
    /** Runs just before the next create: the Secret appears meanwhile, to provoke a 409. */
    volatile Runnable beforeNextCreate;
    private long resourceVersion = 1000;

    FakeKubeApi(SelfSignedTls tls) throws IOException {
        this(tls, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    FakeKubeApi(SelfSignedTls tls, InetSocketAddress bind) throws IOException {
        server = HttpsServer.create(bind, 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls.server));
        server.createContext("/", this::handle);
        server.start();
        verbs.addAll(List.of("get", "update", "patch", "create"));
    }

    URI base() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** A JWT-shaped token naming our service account (the double checks it byte for byte). */
    static String token(String id) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"sub\":\"" + SUBJECT + "\",\"jti\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + "." + b64.encodeToString(id.getBytes(StandardCharsets.UTF_8));
    }

    /** The data of a stored Secret, decoded. */
    synchronized String data(String name, String key) {
        JsonNode v = secrets.get(name).path("data").get(key);
        return v == null ? null : new String(Base64.getDecoder().decode(v.asText()), StandardCharsets.UTF_8);
    }

    synchronized void put(String name, Map<String, String> plainData) {
        ObjectNode s = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Secret").put("type", "Opaque");
        stamp(s.putObject("metadata").put("name", name));
        if (!plainData.isEmpty()) {
            ObjectNode d = s.putObject("data");
            plainData.forEach((k, v) -> d.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        }
        secrets.put(name, s);
    }

    private void stamp(ObjectNode meta) {
        meta.put("namespace", NAMESPACE).put("resourceVersion", Long.toString(++resourceVersion));
        if (!meta.has("uid")) {
            meta.put("uid", UUID.randomUUID().toString()).put("creationTimestamp", Instant.now().toString());
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            log.add(method + " " + path + (type == null ? "" : " " + type));
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
            tokensSeen.add(token == null ? "" : token);
            // Read the body before any answer, as the API server does: a 401 sent over an
            // unread POST body left the kept-alive connection out of step, and the client's
            // retry on it waited for an answer that never came (a 15 s timeout in CI).
            byte[] body = ex.getRequestBody().readAllBytes();
            if (token == null || !tokens.contains(token)) {
                reply(ex, 401, status(401, "Unauthorized", "Unauthorized", null));
                return;
            }
            synchronized (this) {
                route(ex, method, path, type, body);
            }
        }
    }

    private void route(HttpExchange ex, String method, String path, String type, byte[] body) throws IOException {
        if (path.equals(SSAR) && method.equals("POST")) {
            review(ex, body);
            return;
        }
        Matcher m = SECRETS.matcher(path);
        if (!m.matches() || !m.group(1).equals(NAMESPACE)) {
            reply(ex, 404, status(404, "NotFound", "the server could not find the requested resource", null));
            return;
        }
        String name = m.group(2);
        String verb = switch (method) {
            case "GET" -> name == null ? "list" : "get";
            case "POST" -> "create";
            case "PATCH" -> "patch";
            case "PUT" -> "update";
            default -> "";
        };
        if (verb.isEmpty() || (name == null) != verb.matches("list|create")) {
            reply(ex, 405, status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", null));
            return;
        }
        if (!verbs.contains(verb) || refusedDespiteReview.contains(verb)) {
            String what = name == null ? "secrets" : "secrets \"" + name + "\"";
            reply(ex, 403, status(403, "Forbidden", what + " is forbidden: User \"" + SUBJECT + "\" cannot " + verb
                    + " resource \"secrets\" in API group \"\" in the namespace \"" + NAMESPACE + "\"", name));
            return;
        }
        switch (verb) {
            case "get" -> {
                ObjectNode s = secrets.get(name);
                if (s == null) {
                    reply(ex, 404, notFound(name));
                } else {
                    reply(ex, 200, s);
                }
            }
            case "create" -> create(ex, body);
            case "patch" -> patch(ex, name, type, body);
            case "update" -> update(ex, name, body);
            default -> reply(ex, 405, status(405, "MethodNotAllowed", "not implemented by the double", null));
        }
    }

    private void review(HttpExchange ex, byte[] body) throws IOException {
        if (reviews == Reviews.NOT_FOUND) {
            reply(ex, 404, status(404, "NotFound", "the server could not find the requested resource", null));
            return;
        }
        if (reviews == Reviews.FORBIDDEN) {
            reply(ex, 403, status(403, "Forbidden", "selfsubjectaccessreviews.authorization.k8s.io is forbidden: User \""
                    + SUBJECT + "\" cannot create resource \"selfsubjectaccessreviews\"", null));
            return;
        }
        ObjectNode r = (ObjectNode) JSON.readTree(body);
        JsonNode attrs = r.path("spec").path("resourceAttributes");
        boolean allowed = attrs.path("namespace").asText().equals(NAMESPACE) && attrs.path("resource").asText().equals("secrets")
                && verbs.contains(attrs.path("verb").asText());
        r.putObject("status").put("allowed", allowed);
        reply(ex, 201, r);
    }

    private void create(HttpExchange ex, byte[] body) throws IOException {
        Runnable hook = beforeNextCreate;
        beforeNextCreate = null;
        if (hook != null) {
            hook.run();
        }
        ObjectNode s = (ObjectNode) JSON.readTree(body);
        String name = s.path("metadata").path("name").asText("");
        if (!s.path("kind").asText().equals("Secret") || name.isEmpty() || !validData(s)) {
            reply(ex, 422, status(422, "Invalid", "Secret \"" + name + "\" is invalid", name));
            return;
        }
        if (secrets.containsKey(name)) {
            reply(ex, 409, status(409, "AlreadyExists", "secrets \"" + name + "\" already exists", name));
            return;
        }
        stamp((ObjectNode) s.get("metadata"));
        secrets.put(name, s);
        reply(ex, 201, s);
    }

    private void patch(HttpExchange ex, String name, String type, byte[] body) throws IOException {
        if (!"application/json-patch+json".equals(type)) {
            reply(ex, 415, status(415, "UnsupportedMediaType", "the double implements only application/json-patch+json, not " + type, name));
            return;
        }
        ObjectNode s = secrets.get(name);
        if (s == null) {
            reply(ex, 404, notFound(name));
            return;
        }
        ObjectNode copy = s.deepCopy();
        try {
            JsonPatch.apply(copy, JSON.readTree(body));
        } catch (IllegalArgumentException e) {
            reply(ex, 422, status(422, "Invalid", e.getMessage(), name));
            return;
        }
        if (!validData(copy)) {
            reply(ex, 422, status(422, "Invalid", "Secret \"" + name + "\" is invalid: data: illegal base64 data", name));
            return;
        }
        stamp((ObjectNode) copy.get("metadata"));
        secrets.put(name, copy);
        reply(ex, 200, copy);
    }

    private void update(HttpExchange ex, String name, byte[] body) throws IOException {
        Runnable hook = beforeNextUpdate;
        beforeNextUpdate = null;
        if (hook != null) {
            hook.run();
        }
        ObjectNode current = secrets.get(name);
        if (current == null) {
            reply(ex, 404, notFound(name));
            return;
        }
        ObjectNode s = (ObjectNode) JSON.readTree(body);
        String rv = s.path("metadata").path("resourceVersion").asText("");
        if (!rv.isEmpty() && !rv.equals(current.path("metadata").path("resourceVersion").asText())) {
            reply(ex, 409, status(409, "Conflict", "Operation cannot be fulfilled on secrets \"" + name
                    + "\": the object has been modified; please apply your changes to the latest version and try again", name));
            return;
        }
        if (!validData(s)) {
            reply(ex, 422, status(422, "Invalid", "Secret \"" + name + "\" is invalid: data: illegal base64 data", name));
            return;
        }
        ObjectNode meta = (ObjectNode) s.get("metadata");
        meta.put("uid", current.path("metadata").path("uid").asText())
                .put("creationTimestamp", current.path("metadata").path("creationTimestamp").asText());
        stamp(meta);
        secrets.put(name, s);
        reply(ex, 200, s);
    }

    private static boolean validData(JsonNode s) {
        JsonNode d = s.path("data");
        Set<String> bad = new HashSet<>();
        d.properties().forEach(e -> {
            try {
                Base64.getDecoder().decode(e.getValue().asText());
            } catch (IllegalArgumentException x) {
                bad.add(e.getKey());
            }
        });
        return bad.isEmpty();
    }

    private static ObjectNode notFound(String name) {
        return status(404, "NotFound", "secrets \"" + name + "\" not found", name);
    }

    private static ObjectNode status(int code, String reason, String message, String name) {
        ObjectNode s = JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Failure").put("message", message).put("reason", reason);
        if (name != null) {
            s.putObject("details").put("name", name).put("kind", "secrets");
        }
        s.put("code", code);
        return s;
    }

    private static void reply(HttpExchange ex, int code, JsonNode body) throws IOException {
        byte[] b = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(code, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    List<String> requests(String prefix) {
        List<String> out = new ArrayList<>();
        for (String l : log) {
            if (l.startsWith(prefix)) {
                out.add(l);
            }
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
