package dev.tsj.control.policy;

import dev.tsj.control.api.FilterRule;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Compiles a validated policy against a topology into what each node receives: the packet
 * filter for traffic addressed to it or to the subnets it routes, and the peers it may see.
 *
 * <p>A node receives a rule's destination when the destination covers one of its addresses,
 * overlaps a subnet route it serves (every router of an HA pair gets it), or lies wholly in
 * the internet while the node is an exit node. Two nodes see each other when a rule lets
 * either reach the other, where a router counts as a source or destination for the subnets it
 * serves. Both follow what Tailscale's control plane sends (see the conformance cases).
 *
 * <p>The work is done with node sets ({@link BitSet}s over positions) found through a sorted
 * address table, so each rule costs about what it touches rather than rules x nodes x targets:
 * a thousand-node allow-all tailnet compiles in milliseconds.
 */
public final class PolicyCompiler {

    /** One destination of a rule, with the nodes that receive it. */
    private record Destination(AliasResolver.Target target, PortRange ports, BitSet receivers) {}

    /** One ACL with its aliases resolved and its senders and receivers found. */
    private record Acl(IpSet sources, List<Destination> destinations, IpSet destinationAddresses, List<PortRange> selfPorts,
                       List<Integer> protocols, BitSet senders, BitSet sendersByAddress, BitSet receivers) {}

    private PolicyCompiler() {}

    public static CompiledPolicy compile(Policy policy, Topology topology) {
        AliasResolver resolver = new AliasResolver(policy, topology);
        NodeIndex index = new NodeIndex(topology.nodes());
        Map<IpSet, BitSet> receiversBySet = new HashMap<>();
        List<Acl> acls = new ArrayList<>();
        for (AclRule rule : policy.acls()) {
            Acl acl = resolve(rule, resolver, index, receiversBySet);
            if (!acl.sources().isEmpty()) {
                acls.add(acl);
            }
        }
        BitSet[] visible = visibility(acls, index);
        List<List<FilterRule>> filters = new FilterBuilder(acls, index).build();
        Map<Integer, List<CompiledPolicy.RouteGrant>> grants = routeGrants(acls, index);
        return new CompiledPolicy(index, filters, visible, grants, topology);
    }

    private static Acl resolve(AclRule rule, AliasResolver resolver, NodeIndex index, Map<IpSet, BitSet> receiversBySet) {
        IpSet sources = IpSet.EMPTY;
        for (Alias a : rule.sources()) {
            sources = sources.union(resolver.sources(a));
        }
        List<Destination> destinations = new ArrayList<>();
        List<PortRange> selfPorts = new ArrayList<>();
        BitSet receivers = new BitSet();
        List<IpRange> destinationRanges = new ArrayList<>();
        for (AclDestination d : rule.destinations()) {
            if (d.target() instanceof Alias.AutoGroup(AutoGroupKind kind) && kind == AutoGroupKind.SELF) {
                selfPorts.addAll(d.ports());
                continue;
            }
            for (AliasResolver.Target t : resolver.destinations(d.target())) {
                BitSet r = receiversBySet.computeIfAbsent(t.addresses(), index::receivers);
                receivers.or(r);
                destinationRanges.addAll(t.addresses().ranges());
                for (PortRange p : d.ports()) {
                    destinations.add(new Destination(t, p, r));
                }
            }
        }
        BitSet byAddress = index.holding(sources);
        return new Acl(sources, destinations, IpSet.of(destinationRanges), selfPorts, rule.protocols(), index.senders(sources),
                byAddress, receivers);
    }

    /** Who sees whom: senders and receivers of each rule, both ways, and a user's own nodes under autogroup:self. */
    private static BitSet[] visibility(List<Acl> acls, NodeIndex index) {
        int n = index.size();
        BitSet[] visible = new BitSet[n];
        for (int i = 0; i < n; i++) {
            visible[i] = new BitSet(n);
        }
        for (Acl acl : acls) {
            link(visible, acl.senders(), acl.receivers());
            if (!acl.selfPorts().isEmpty()) {
                // autogroup:self links a user's own nodes when the rule's sources include them.
                for (BitSet own : index.byOwner.values()) {
                    BitSet senders = (BitSet) own.clone();
                    senders.and(acl.sendersByAddress());
                    link(visible, senders, own);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            visible[i].clear(i);
        }
        return visible;
    }

    private static void link(BitSet[] visible, BitSet a, BitSet b) {
        if (a.isEmpty() || b.isEmpty()) {
            return;
        }
        for (int i = a.nextSetBit(0); i >= 0; i = a.nextSetBit(i + 1)) {
            visible[i].or(b);
        }
        for (int i = b.nextSetBit(0); i >= 0; i = b.nextSetBit(i + 1)) {
            visible[i].or(a);
        }
    }

    /**
     * Which viewers may get each route a router serves in its AllowedIPs: those some rule lets
     * send into the routed addresses, and those the routed addresses may send to. WireGuard
     * checks AllowedIPs both ways, so a subnet that may only send to the viewer still needs to
     * be there, while one with no rule to or from the viewer is left out, as Tailscale does.
     * Every served subnet route is granted, not only primary ones, so that a failover to the
     * other router of an HA pair needs no new compilation; only the primary shows it.
     */
    private static Map<Integer, List<CompiledPolicy.RouteGrant>> routeGrants(List<Acl> acls, NodeIndex index) {
        Map<Integer, List<CompiledPolicy.RouteGrant>> out = new HashMap<>();
        Map<IpPrefix, BitSet> bySubnet = new HashMap<>();
        for (int p = 0; p < index.size(); p++) {
            TopologyNode peer = index.nodes.get(p);
            List<CompiledPolicy.RouteGrant> grants = new ArrayList<>();
            for (IpPrefix r : peer.subnetRoutes()) {
                BitSet viewers = bySubnet.computeIfAbsent(r, k -> carriers(acls, IpSet.of(k.range())));
                grants.add(new CompiledPolicy.RouteGrant(r, false, viewers));
            }
            for (IpPrefix r : peer.exitRoutes()) {
                IpSet routed = TailnetRanges.INTERNET.intersect(IpSet.of(r.range()));
                grants.add(new CompiledPolicy.RouteGrant(r, true, carriers(acls, routed)));
            }
            if (!grants.isEmpty()) {
                out.put(p, List.copyOf(grants));
            }
        }
        return out;
    }

    private static BitSet carriers(List<Acl> acls, IpSet routed) {
        BitSet out = new BitSet();
        for (Acl acl : acls) {
            if (acl.destinationAddresses().overlaps(routed)) {
                out.or(acl.senders());
            }
            if (acl.sources().overlaps(routed)) {
                out.or(acl.receivers());
            }
        }
        return out;
    }

    /**
     * Builds every node's packet filter. Each destination is handed to the nodes that receive
     * it, so a node's work is the size of its own filter. Rules with the same sources and
     * protocols are one rule on the wire, as Tailscale sends them; equal filters are shared.
     */
    private static final class FilterBuilder {
        private final List<Acl> acls;
        private final NodeIndex index;
        /** Per node, the (rule, destination) pairs it receives, rule-major, as {@code rule << 32 | destination}. */
        private final long[][] received;
        private final int[] receivedCount;
        private final Map<List<Object>, Integer> keyIds = new HashMap<>();
        private final List<List<String>> keySources = new ArrayList<>();
        private final List<List<Integer>> keyProtocols = new ArrayList<>();
        private final Map<Long, IpSet> ownerAddresses = new HashMap<>();
        private final Map<List<Object>, Integer> selfKeys = new HashMap<>();
        private final Map<List<FilterRule>, List<FilterRule>> shared = new HashMap<>();
        private final int[] aclKeys;

        FilterBuilder(List<Acl> acls, NodeIndex index) {
            this.acls = acls;
            this.index = index;
            int n = index.size();
            received = new long[n][];
            receivedCount = new int[n];
            aclKeys = acls.stream().mapToInt(acl -> key(acl.sources(), acl.protocols())).toArray();
            for (int a = 0; a < acls.size(); a++) {
                List<Destination> ds = acls.get(a).destinations();
                for (int d = 0; d < ds.size(); d++) {
                    BitSet r = ds.get(d).receivers();
                    for (int i = r.nextSetBit(0); i >= 0; i = r.nextSetBit(i + 1)) {
                        append(i, ((long) a << 32) | d);
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                TopologyNode t = index.nodes.get(i);
                t.owner().ifPresent(o -> ownerAddresses.merge(o, t.addressSet(), IpSet::union));
            }
        }

        private void append(int node, long entry) {
            long[] list = received[node];
            if (list == null) {
                list = received[node] = new long[4];
            } else if (receivedCount[node] == list.length) {
                list = received[node] = java.util.Arrays.copyOf(list, list.length * 2);
            }
            list[receivedCount[node]++] = entry;
        }

        List<List<FilterRule>> build() {
            List<List<FilterRule>> out = new ArrayList<>(index.size());
            for (int i = 0; i < index.size(); i++) {
                List<FilterRule> f = filterOf(i);
                out.add(shared.computeIfAbsent(f, k -> k));
            }
            return out;
        }

        private List<FilterRule> filterOf(int node) {
            TopologyNode t = index.nodes.get(node);
            Map<Integer, LinkedHashSet<FilterRule.PortRange>> merged = new LinkedHashMap<>();
            long[] entries = received[node];
            int count = receivedCount[node];
            int cursor = 0;
            for (int a = 0; a < acls.size(); a++) {
                Acl acl = acls.get(a);
                List<FilterRule.PortRange> dsts = new ArrayList<>();
                while (cursor < count && (entries[cursor] >>> 32) == a) {
                    Destination d = acl.destinations().get((int) entries[cursor]);
                    dsts.add(new FilterRule.PortRange(d.target().wireIp(), d.ports().first(), d.ports().last()));
                    cursor++;
                }
                add(merged, aclKeys[a], dsts);
                if (!acl.selfPorts().isEmpty() && t.owner().isPresent()) {
                    long owner = t.owner().getAsLong();
                    Integer selfKey = selfKeys.computeIfAbsent(List.of(a, owner), k -> {
                        IpSet sources = acl.sources().intersect(ownerAddresses.get(owner));
                        return sources.isEmpty() ? -1 : key(sources, acl.protocols());
                    });
                    if (selfKey >= 0) {
                        List<FilterRule.PortRange> selfDsts = new ArrayList<>();
                        for (PortRange p : acl.selfPorts()) {
                            for (IpAddress addr : t.addresses()) {
                                selfDsts.add(new FilterRule.PortRange(addr.toString(), p.first(), p.last()));
                            }
                        }
                        add(merged, selfKey, selfDsts);
                    }
                }
            }
            List<FilterRule> rules = new ArrayList<>(merged.size());
            merged.forEach((k, dsts) -> rules.add(new FilterRule(keySources.get(k), List.copyOf(dsts), keyProtocols.get(k))));
            return List.copyOf(rules);
        }

        private int key(IpSet sources, List<Integer> protocols) {
            return keyIds.computeIfAbsent(List.of(sources, protocols), k -> {
                keySources.add(sources.toWireStrings());
                keyProtocols.add(protocols);
                return keySources.size() - 1;
            });
        }

        private static void add(Map<Integer, LinkedHashSet<FilterRule.PortRange>> merged, int key,
                                List<FilterRule.PortRange> dsts) {
            if (!dsts.isEmpty()) {
                merged.computeIfAbsent(key, k -> new LinkedHashSet<>()).addAll(dsts);
            }
        }
    }
}
