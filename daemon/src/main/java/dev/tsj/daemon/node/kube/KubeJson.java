package dev.tsj.daemon.node.kube;

import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON for Kubernetes API objects (plain Jackson: these are not control-protocol messages). */
final class KubeJson {
    private KubeJson() {}

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** Content types of the API server's patch flavours (only JSON Patch is used). */
    static final String JSON = "application/json";
    static final String JSON_PATCH = "application/json-patch+json";
}
