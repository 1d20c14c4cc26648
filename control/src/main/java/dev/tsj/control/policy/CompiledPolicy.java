package dev.tsj.control.policy;

import java.util.Map;
import java.util.Optional;

/** The result of compiling a policy against a topology: one {@link NodePolicy} per node id. */
public record CompiledPolicy(Map<Long, NodePolicy> nodes) {
    public CompiledPolicy {
        nodes = Map.copyOf(nodes);
    }

    public Optional<NodePolicy> forNode(long nodeId) {
        return Optional.ofNullable(nodes.get(nodeId));
    }
}
