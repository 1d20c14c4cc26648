package dev.tsj.control.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** What the compiler asks of a node over and over, computed once per compilation. */
    private record NodeFacts(TopologyNode node, IpSet addresses, IpSet subnets, boolean exit) {
        static NodeFacts of(TopologyNode n) {
            return new NodeFacts(n, n.addressSet(), IpSet.ofPrefixes(n.subnetRoutes()), !n.exitRoutes().isEmpty());
        }
    }

    private PolicyCompiler() {}

    public static CompiledPolicy compile(Policy policy, Topology topology) {
        AliasResolver resolver = new AliasResolver(policy, topology);
        List<ResolvedAcl> acls = policy.acls().stream().map(r -> resolve(r, resolver)).toList();
        List<NodeFacts> facts = topology.nodes().stream().map(NodeFacts::of).toList();
        Map<Long, IpSet> ownerAddresses = new HashMap<>();
        for (NodeFacts f : facts) {
            f.node().owner().ifPresent(o -> ownerAddresses.merge(o, f.addresses(), IpSet::union));
        }
        Map<Long, Set<Long>> visible = visibility(acls, facts);
        Map<Long, NodePolicy> out = new LinkedHashMap<>();
        for (NodeFacts viewer : facts) {
            Set<Long> seen = visible.getOrDefault(viewer.node().id(), Set.of());
            List<PeerEntry> peers = facts.stream().filter(p -> seen.contains(p.node().id()))
                    .map(p -> peerEntry(viewer, p.node(), acls, topology)).toList();
            out.put(viewer.node().id(), new NodePolicy(viewer.node().id(), packetFilter(viewer, acls, ownerAddresses), peers));
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

    private static List<FilterRule> packetFilter(NodeFacts facts, List<ResolvedAcl> acls, Map<Long, IpSet> ownerAddresses) {
        TopologyNode node = facts.node();
        // Rules with the same sources and protocols are one rule on the wire, as Tailscale sends them.
        Map<List<Object>, List<NetPortRange>> merged = new LinkedHashMap<>();
        Map<List<Object>, FilterRule> shape = new HashMap<>();
        for (ResolvedAcl acl : acls) {
            if (acl.sources().isEmpty()) {
                continue;
            }
            List<NetPortRange> dsts = acl.destinations().stream()
                    .filter(d -> receives(facts, d.target().addresses()))
                    .map(d -> new NetPortRange(d.target().wireIp(), d.ports())).toList();
            add(merged, shape, acl.sources(), acl.protocols(), dsts);
            if (!acl.selfPorts().isEmpty() && node.owner().isPresent()) {
                IpSet sameUser = ownerAddresses.get(node.owner().getAsLong());
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
    private static boolean receives(NodeFacts node, IpSet destination) {
        return destination.overlaps(node.addresses()) || destination.overlaps(node.subnets())
                || (node.exit() && TailnetRanges.INTERNET.containsAll(destination));
    }

    /** Whether traffic from these sources can come from the node or the subnets it serves. */
    private static boolean sends(NodeFacts node, IpSet sources) {
        return sources.overlaps(node.addresses()) || sources.overlaps(node.subnets());
    }

    private static Map<Long, Set<Long>> visibility(List<ResolvedAcl> acls, List<NodeFacts> facts) {
        Map<Long, Set<Long>> visible = new HashMap<>();
        Map<Long, List<TopologyNode>> byOwner = new HashMap<>();
        facts.forEach(f -> f.node().owner().ifPresent(o -> byOwner.computeIfAbsent(o, k -> new ArrayList<>()).add(f.node())));
        for (ResolvedAcl acl : acls) {
            List<NodeFacts> senders = facts.stream().filter(n -> sends(n, acl.sources())).toList();
            List<NodeFacts> receivers = facts.stream()
                    .filter(n -> acl.destinations().stream().anyMatch(d -> receives(n, d.target().addresses()))).toList();
            for (NodeFacts s : senders) {
                for (NodeFacts r : receivers) {
                    link(visible, s.node(), r.node());
                }
            }
            if (!acl.selfPorts().isEmpty()) {
                // autogroup:self links a user's own nodes when the rule's sources include them.
                for (NodeFacts s : senders) {
                    if (s.node().owner().isPresent() && acl.sources().overlaps(s.addresses())) {
                        for (TopologyNode r : byOwner.get(s.node().owner().getAsLong())) {
                            link(visible, s.node(), r);
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
    private static PeerEntry peerEntry(NodeFacts viewer, TopologyNode peer, List<ResolvedAcl> acls, Topology topology) {
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
    private static boolean carriesTraffic(NodeFacts viewer, IpSet routed, List<ResolvedAcl> acls) {
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
