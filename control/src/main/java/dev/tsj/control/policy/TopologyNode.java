package dev.tsj.control.policy;

import java.util.List;
import java.util.OptionalLong;

/**
 * A node as the policy compiler needs it. {@code id} orders registration: among routers that
 * serve the same route the first registered is primary. A tagged node belongs to its tags, not
 * to a user, so {@code userId} only counts for untagged nodes.
 */
public record TopologyNode(long id, String hostname, OptionalLong userId, List<String> tags,
                           List<IpAddress> addresses, List<IpPrefix> advertisedRoutes, List<IpPrefix> approvedRoutes) {

    public TopologyNode {
        tags = List.copyOf(tags);
        addresses = List.copyOf(addresses);
        advertisedRoutes = List.copyOf(advertisedRoutes);
        approvedRoutes = List.copyOf(approvedRoutes);
    }

    public boolean tagged() {
        return !tags.isEmpty();
    }

    /** The user that owns this node, or empty for a tagged node. */
    public OptionalLong owner() {
        return tagged() ? OptionalLong.empty() : userId;
    }

    public IpSet addressSet() {
        return IpSet.ofAddresses(addresses);
    }

    /** Routes the node both advertises and has approved: the ones it actually serves. */
    public List<IpPrefix> servedRoutes() {
        return approvedRoutes.stream().filter(advertisedRoutes::contains).distinct().toList();
    }

    /** Served routes other than 0.0.0.0/0 and ::/0. */
    public List<IpPrefix> subnetRoutes() {
        return servedRoutes().stream().filter(p -> !p.isDefaultRoute()).toList();
    }

    /** Served 0.0.0.0/0 and ::/0: non-empty when the node is an approved exit node. */
    public List<IpPrefix> exitRoutes() {
        return servedRoutes().stream().filter(IpPrefix::isDefaultRoute).toList();
    }
}
