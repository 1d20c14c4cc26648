package dev.tsj.control.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks one primary router per subnet route. When several nodes serve exactly the same prefix
 * (high availability), peers route it only to the primary; Tailscale keeps the router that
 * registered first while it stays online. Exit routes are never primary: every approved exit
 * node is offered to peers.
 */
public final class PrimaryRouteElection {

    private PrimaryRouteElection() {}

    /** Node id to the subnet routes it is primary for; nodes that are primary for none are absent. */
    public static Map<Long, List<IpPrefix>> elect(List<TopologyNode> nodes) {
        Map<IpPrefix, TopologyNode> winner = new LinkedHashMap<>();
        List<TopologyNode> byRegistration = new ArrayList<>(nodes);
        byRegistration.sort(Comparator.comparingLong(TopologyNode::id));
        for (TopologyNode n : byRegistration) {
            for (IpPrefix route : n.subnetRoutes()) {
                winner.putIfAbsent(route, n);
            }
        }
        Map<Long, List<IpPrefix>> out = new HashMap<>();
        winner.forEach((route, node) -> out.computeIfAbsent(node.id(), k -> new ArrayList<>()).add(route));
        out.replaceAll((k, v) -> List.copyOf(v));
        return out;
    }
}
