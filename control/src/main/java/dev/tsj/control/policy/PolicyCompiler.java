package dev.tsj.control.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compiles a validated policy against a topology into what each node receives: the packet
 * filter for traffic addressed to it or to the subnets it routes, and the peers it may see.
 *
 * <p>A node receives a rule's destination when the destination covers one of its addresses,
 * overlaps a subnet route it serves (every router of an HA pair gets it), or lies wholly in
 * the internet while the node is an exit node. Two nodes see each other when a rule lets
 * either reach the other, where a router counts as a source or destination for the subnets it
 * serves. Both follow what Tailscale's control plane sends (see the conformance cases).
 */
public final class PolicyCompiler {

    /** One ACL with its aliases resolved: a source set and wire destinations. */
    private record ResolvedAcl(IpSet sources, List<Destination> destinations, List<PortRange> selfPorts,
                               List<Integer> protocols) {}

    private record Destination(AliasResolver.Target target, PortRange ports) {}

    private PolicyCompiler() {}

    public static CompiledPolicy compile(Policy policy, Topology topology) {
        AliasResolver resolver = new AliasResolver(policy, topology);
        List<ResolvedAcl> acls = policy.acls().stream().map(r -> resolve(r, resolver)).toList();
        Map<Long, Set<Long>> visible = visibility(acls, topology);
        Map<Long, NodePolicy> out = new LinkedHashMap<>();
        for (TopologyNode node : topology.nodes()) {
            List<PeerEntry> peers = topology.nodes().stream()
                    .filter(p -> visible.getOrDefault(node.id(), Set.of()).contains(p.id()))
                    .map(p -> peerEntry(node, p, acls, topology)).toList();
            out.put(node.id(), new NodePolicy(node.id(), packetFilter(node, acls, topology), peers));
        }
        return new CompiledPolicy(out);
    }

    private static ResolvedAcl resolve(AclRule rule, AliasResolver resolver) {
        IpSet sources = IpSet.EMPTY;
        for (Alias a : rule.sources()) {
            sources = sources.union(resolver.sources(a));
        }
        List<Destination> destinations = new ArrayList<>();
        List<PortRange> selfPorts = new ArrayList<>();
        for (AclDestination d : rule.destinations()) {
            if (d.target() instanceof Alias.AutoGroup(AutoGroupKind kind) && kind == AutoGroupKind.SELF) {
                selfPorts.addAll(d.ports());
                continue;
            }
            for (AliasResolver.Target t : resolver.destinations(d.target())) {
                for (PortRange p : d.ports()) {
                    destinations.add(new Destination(t, p));
                }
            }
        }
        return new ResolvedAcl(sources, destinations, selfPorts, rule.protocols());
    }

    private static List<FilterRule> packetFilter(TopologyNode node, List<ResolvedAcl> acls, Topology topology) {
        // Rules with the same sources and protocols are one rule on the wire, as Tailscale sends them.
        Map<List<Object>, List<NetPortRange>> merged = new LinkedHashMap<>();
        Map<List<Object>, FilterRule> shape = new HashMap<>();
        for (ResolvedAcl acl : acls) {
            if (acl.sources().isEmpty()) {
                continue;
            }
            List<NetPortRange> dsts = acl.destinations().stream()
                    .filter(d -> receives(node, d.target().addresses()))
                    .map(d -> new NetPortRange(d.target().wireIp(), d.ports())).toList();
            add(merged, shape, acl.sources(), acl.protocols(), dsts);
            if (!acl.selfPorts().isEmpty() && node.owner().isPresent()) {
                IpSet sameUser = AliasResolver.addressesOf(topology.nodes().stream()
                        .filter(n -> n.owner().equals(node.owner())).toList());
                List<NetPortRange> selfDsts = new ArrayList<>();
                for (PortRange p : acl.selfPorts()) {
                    for (IpAddress a : node.addresses()) {
                        selfDsts.add(new NetPortRange(a.toString(), p));
                    }
                }
                add(merged, shape, acl.sources().intersect(sameUser), acl.protocols(), selfDsts);
            }
        }
        List<FilterRule> rules = new ArrayList<>();
        merged.forEach((key, dsts) -> rules.add(new FilterRule(shape.get(key).srcIps(), dsts, shape.get(key).ipProto())));
        return rules;
    }

    private static void add(Map<List<Object>, List<NetPortRange>> merged, Map<List<Object>, FilterRule> shape,
                            IpSet sources, List<Integer> protocols, List<NetPortRange> dsts) {
        if (sources.isEmpty() || dsts.isEmpty()) {
            return;
        }
        List<Object> key = List.of(sources, protocols);
        shape.putIfAbsent(key, new FilterRule(sources.toWireStrings(), List.of(), protocols));
        List<NetPortRange> into = merged.computeIfAbsent(key, k -> new ArrayList<>());
        for (NetPortRange d : dsts) {
            if (!into.contains(d)) {
                into.add(d);
            }
        }
    }

    /** Whether a node must accept traffic to these destination addresses. */
    static boolean receives(TopologyNode node, IpSet destination) {
        if (destination.overlaps(node.addressSet())) {
            return true;
        }
        for (IpPrefix route : node.subnetRoutes()) {
            if (destination.overlaps(route.range())) {
                return true;
            }
        }
        return !node.exitRoutes().isEmpty() && TailnetRanges.INTERNET.containsAll(destination);
    }

    /** Whether traffic from these sources can come from the node or the subnets it serves. */
    static boolean sends(TopologyNode node, IpSet sources) {
        if (sources.overlaps(node.addressSet())) {
            return true;
        }
        for (IpPrefix route : node.subnetRoutes()) {
            if (sources.overlaps(route.range())) {
                return true;
            }
        }
        return false;
    }

    private static Map<Long, Set<Long>> visibility(List<ResolvedAcl> acls, Topology topology) {
        Map<Long, Set<Long>> visible = new HashMap<>();
        for (ResolvedAcl acl : acls) {
            List<TopologyNode> senders = topology.nodes().stream().filter(n -> sends(n, acl.sources())).toList();
            List<TopologyNode> receivers = topology.nodes().stream()
                    .filter(n -> acl.destinations().stream().anyMatch(d -> receives(n, d.target().addresses()))).toList();
            for (TopologyNode s : senders) {
                for (TopologyNode r : receivers) {
                    link(visible, s, r);
                }
            }
            if (!acl.selfPorts().isEmpty()) {
                // autogroup:self links a user's own nodes when the rule's sources include them.
                for (TopologyNode s : senders) {
                    if (!acl.sources().overlaps(s.addressSet()) || s.owner().isEmpty()) {
                        continue;
                    }
                    for (TopologyNode r : topology.nodes()) {
                        if (r.owner().isPresent() && Objects.equals(r.owner(), s.owner())) {
                            link(visible, s, r);
                        }
                    }
                }
            }
        }
        return visible;
    }

    private static void link(Map<Long, Set<Long>> visible, TopologyNode a, TopologyNode b) {
        if (a.id() == b.id()) {
            return;
        }
        visible.computeIfAbsent(a.id(), k -> new HashSet<>()).add(b.id());
        visible.computeIfAbsent(b.id(), k -> new HashSet<>()).add(a.id());
    }

    /**
     * A peer as one viewer sees it: its own addresses always, but only those of its routes that
     * carry traffic between the viewer and the routed subnet in either direction. WireGuard
     * checks AllowedIPs both ways, so a subnet that may only send to the viewer still needs to
     * be there, while one with no rule to or from the viewer is left out, as Tailscale does.
     */
    private static PeerEntry peerEntry(TopologyNode viewer, TopologyNode peer, List<ResolvedAcl> acls, Topology topology) {
        List<String> allowed = new ArrayList<>();
        for (IpAddress a : peer.addresses()) {
            allowed.add(IpPrefix.host(a).toString());
        }
        List<String> primary = topology.primaryRoutesOf(peer.id()).stream()
                .filter(r -> carriesTraffic(viewer, IpSet.of(r.range()), acls)).map(IpPrefix::toString).toList();
        allowed.addAll(primary);
        peer.exitRoutes().stream()
                .filter(r -> carriesTraffic(viewer, TailnetRanges.INTERNET.intersect(IpSet.of(r.range())), acls))
                .forEach(r -> allowed.add(r.toString()));
        return new PeerEntry(peer.id(), peer.hostname(), allowed, primary);
    }

    /** Whether some rule lets the viewer send into these addresses, or lets them send to the viewer. */
    private static boolean carriesTraffic(TopologyNode viewer, IpSet routed, List<ResolvedAcl> acls) {
        for (ResolvedAcl acl : acls) {
            boolean outbound = sends(viewer, acl.sources())
                    && acl.destinations().stream().anyMatch(d -> d.target().addresses().overlaps(routed));
            boolean inbound = acl.sources().overlaps(routed)
                    && acl.destinations().stream().anyMatch(d -> receives(viewer, d.target().addresses()));
            if (outbound || inbound) {
                return true;
            }
        }
        return false;
    }
}
