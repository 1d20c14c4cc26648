package dev.tsj.control.policy;

import dev.tsj.control.api.FilterRule;
import java.util.List;

/** What the policy gives one node: the filter for traffic it receives, and the peers it sees. */
public record NodePolicy(long nodeId, List<FilterRule> packetFilter, List<PeerEntry> peers) {
    public NodePolicy {
        packetFilter = List.copyOf(packetFilter);
        peers = List.copyOf(peers);
    }
}
