package dev.tsj.daemon.node;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tsj.control.api.NetMap;
import dev.tsj.control.api.RegisterResponse;

/**
 * Everything a node keeps across restarts: its machine key (its identity towards the
 * control server), its node key (its WireGuard key), the user's preferences, what the
 * server said at registration, and the last netmap, so the data plane comes back even
 * while the server is down. Keys are base64 text here and nowhere else on disk.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeState(int version, String machineKey, String nodeKey, Prefs prefs,
                        RegisterResponse registration, NetMap lastNetMap) {
    public static final int CURRENT_VERSION = 1;

    public NodeState withPrefs(Prefs p) {
        return new NodeState(version, machineKey, nodeKey, p, registration, lastNetMap);
    }

    public NodeState withRegistration(RegisterResponse r) {
        return new NodeState(version, machineKey, nodeKey, prefs, r, lastNetMap);
    }

    public NodeState withNetMap(NetMap m) {
        return new NodeState(version, machineKey, nodeKey, prefs, registration, m);
    }

    public NodeState withNodeKey(String k) {
        return new NodeState(version, machineKey, k, prefs, registration, lastNetMap);
    }

    @Override
    public String toString() {
        return "NodeState[version=" + version + ", prefs=" + prefs + ", registered=" + (registration != null) + "]";
    }
}
