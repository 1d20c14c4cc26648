package dev.tsj.control.core;

import dev.tsj.control.policy.Policy;
import java.util.Map;

/**
 * One published compilation of the policy: what each node may see and accept. The core
 * publishes a new one after each compilation; session writers read the latest and send
 * their node what changed for it. Immutable.
 */
final class Access {
    /** The tailnet without a policy. */
    static final Access ALLOW_ALL = new Access(null, Map.of());

    private final Policy policy;
    private final Map<Long, ViewerAccess> viewers;

    Access(Policy policy, Map<Long, ViewerAccess> viewers) {
        this.policy = policy;
        this.viewers = Map.copyOf(viewers);
    }

    /** The policy this was compiled from; null without a policy. */
    Policy policy() {
        return policy;
    }

    /** What the node may see: everything without a policy, nothing before it is compiled in. */
    ViewerAccess forViewer(long nodeId) {
        if (policy == null) {
            return ViewerAccess.ALL;
        }
        return viewers.getOrDefault(nodeId, ViewerAccess.NONE);
    }

    /** The node's access in this compilation, or null if it was not part of it. */
    ViewerAccess compiled(long nodeId) {
        return viewers.get(nodeId);
    }
}
