package dev.tsj.daemon.node.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * The Secret calls of the core API ({@code /api/v1/namespaces/NS/secrets[/NAME]}: GET,
 * POST, PATCH with a JSON Patch, PUT) and the permission question
 * ({@code SelfSubjectAccessReview}, as Tailscale's containerboot asks it).
 */
final class SecretsApi {
    static final String MANAGED_BY = "tsj";

    private final KubeApiClient api;
    private final String namespace;

    SecretsApi(KubeApiClient api, String namespace) {
        this.api = api;
        this.namespace = namespace;
    }

    String namespace() {
        return namespace;
    }

    String subject() {
        return api.subject();
    }

    private String collection() {
        return "/api/v1/namespaces/" + namespace + "/secrets";
    }

    private String item(String name) {
        return collection() + "/" + name;
    }

    Optional<Secret> get(String name) throws IOException {
        KubeApiClient.Response r = api.send("GET", item(name), null, null);
        if (r.code() == 404) {
            return Optional.empty();
        }
        return Optional.of(Secret.of(check(r, "get", name, "GET", item(name))));
    }

    /** Creates the Secret; a 409 (it appeared meanwhile) comes back as a {@link KubeApiException}. */
    Secret create(String name, Map<String, String> data) throws IOException {
        ObjectNode s = KubeJson.MAPPER.createObjectNode();
        s.put("apiVersion", "v1").put("kind", "Secret").put("type", "Opaque");
        ObjectNode meta = s.putObject("metadata");
        meta.put("name", name).put("namespace", namespace);
        meta.putObject("labels").put("app.kubernetes.io/managed-by", MANAGED_BY);
        ObjectNode d = s.putObject("data");
        data.forEach(d::put);
        return Secret.of(check(api.send("POST", collection(), s, KubeJson.JSON), "create", name, "POST", collection()));
    }

    /** Applies a JSON Patch (RFC 6902); a 404 means the Secret is gone. */
    Secret patch(String name, ArrayNode ops) throws IOException {
        return Secret.of(check(api.send("PATCH", item(name), ops, KubeJson.JSON_PATCH), "patch", name, "PATCH", item(name)));
    }

    /** Replaces the Secret's data, conditional on its resourceVersion (409 if it changed). */
    Secret update(Secret current, Map<String, String> data) throws IOException {
        ObjectNode s = KubeJson.MAPPER.createObjectNode();
        s.put("apiVersion", "v1").put("kind", "Secret");
        s.putObject("metadata").put("name", current.name()).put("namespace", namespace)
                .put("resourceVersion", current.resourceVersion());
        ObjectNode d = s.putObject("data");
        data.forEach(d::put);
        return Secret.of(check(api.send("PUT", item(current.name()), s, KubeJson.JSON), "update", current.name(), "PUT",
                item(current.name())));
    }

    /**
     * Whether the pod's service account may {@code verb} the named Secret (for
     * {@code create}, any Secret in the namespace: RBAC cannot name what does not exist yet).
     */
    boolean allowed(String verb, String name) throws IOException {
        ObjectNode review = KubeJson.MAPPER.createObjectNode();
        review.put("apiVersion", "authorization.k8s.io/v1").put("kind", "SelfSubjectAccessReview");
        ObjectNode attrs = review.putObject("spec").putObject("resourceAttributes");
        attrs.put("namespace", namespace).put("verb", verb).put("resource", "secrets");
        if (!verb.equals("create")) {
            attrs.put("name", name);
        }
        String path = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
        KubeApiClient.Response r = api.send("POST", path, review, KubeJson.JSON);
        if (!r.ok() || r.body() == null) {
            throw KubeApiException.of(r.code(), r.body(), "POST", path);
        }
        return r.body().path("status").path("allowed").asBoolean(false);
    }

    private JsonNode check(KubeApiClient.Response r, String verb, String name, String method, String path) throws IOException {
        if (r.ok() && r.body() != null) {
            return r.body();
        }
        KubeApiException e = KubeApiException.of(r.code(), r.body(), method, path);
        if (r.code() == 401) {
            throw new KubeApiException(401, e.reason(), "the API server rejected the service account token even after"
                    + " reading it again: " + e.getMessage());
        }
        if (r.code() == 403) {
            throw new KubeApiException(403, e.reason(), e.getMessage() + "; the pod's service account needs \"" + verb
                    + "\" on secret \"" + name + "\" (see deploy/kubernetes/rbac.yaml)");
        }
        throw e;
    }
}
