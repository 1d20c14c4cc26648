package dev.tsj.control.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The users and nodes a policy is compiled against, and which node is primary for each subnet
 * route (the one whose AllowedIPs carry it). The server fills {@code primaryRoutes} from its own
 * failover state, or lets {@link PrimaryRouteElection} pick by registration order.
 */
public record Topology(List<TopologyUser> users, List<TopologyNode> nodes, Map<Long, List<IpPrefix>> primaryRoutes) {

    public Topology {
        users = List.copyOf(users);
        nodes = List.copyOf(nodes);
        primaryRoutes = Map.copyOf(primaryRoutes);
    }

    /** A topology whose primaries are elected as Tailscale does when every router is online. */
    public static Topology electingPrimaries(List<TopologyUser> users, List<TopologyNode> nodes) {
        return new Topology(users, nodes, PrimaryRouteElection.elect(nodes));
    }

    public List<IpPrefix> primaryRoutesOf(long nodeId) {
        return primaryRoutes.getOrDefault(nodeId, List.of());
    }

    public Optional<TopologyUser> user(long id) {
        return users.stream().filter(u -> u.id() == id).findFirst();
    }

    /**
     * This topology after the policy's autoApprovers have approved what they cover of each
     * node's advertised routes, with primaries elected again. Approval only ever adds: a route
     * an administrator approved stays approved.
     */
    public Topology withAutoApprovedRoutes(Policy policy) {
        List<TopologyNode> approved = nodes.stream().map(n -> {
            List<IpPrefix> routes = new java.util.ArrayList<>(n.approvedRoutes());
            AutoApproval.approvedRoutes(policy, this, n).stream().filter(r -> !routes.contains(r)).forEach(routes::add);
            return new TopologyNode(n.id(), n.hostname(), n.userId(), n.tags(), n.addresses(), n.advertisedRoutes(), routes);
        }).toList();
        return electingPrimaries(users, approved);
    }
}
