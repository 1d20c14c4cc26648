package dev.tsj.control.policy;

import java.util.List;
import java.util.Map;

/**
 * Which advertised routes the policy's autoApprovers approve. A subnet route is approved when
 * an entry of {@code routes} covers it and names the node; 0.0.0.0/0 and ::/0 only through
 * {@code exitNode}, never through a {@code routes} entry, as Tailscale does.
 */
public final class AutoApproval {

    private AutoApproval() {}

    public static List<IpPrefix> approvedRoutes(Policy policy, Topology topology, TopologyNode node) {
        AliasResolver resolver = new AliasResolver(policy, topology);
        return node.advertisedRoutes().stream().distinct().filter(route -> {
            if (route.isDefaultRoute()) {
                return policy.autoApprovers().exitNode().stream().anyMatch(a -> resolver.matches(node, a));
            }
            for (Map.Entry<IpPrefix, List<Alias>> e : policy.autoApprovers().routes().entrySet()) {
                if (covers(e.getKey(), route) && e.getValue().stream().anyMatch(a -> resolver.matches(node, a))) {
                    return true;
                }
            }
            return false;
        }).toList();
    }

    static boolean covers(IpPrefix outer, IpPrefix inner) {
        return outer.address().v6() == inner.address().v6() && outer.bits() <= inner.bits()
                && outer.range().contains(inner.address());
    }
}
