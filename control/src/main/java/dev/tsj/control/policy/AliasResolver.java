package dev.tsj.control.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Resolves aliases of a validated policy to the nodes and addresses of one topology. */
final class AliasResolver {

    /** A destination as the wire form spells it, with the addresses that spelling covers. */
    record Target(String wireIp, IpSet addresses) {}

    private final Policy policy;
    private final Topology topology;
    private IpSet wildcardSources;
    /** Login as written in the policy to the ids of the users it names, filled as logins come up. */
    private final Map<String, java.util.Set<Long>> usersByLogin = new java.util.HashMap<>();

    AliasResolver(Policy policy, Topology topology) {
        this.policy = policy;
        this.topology = topology;
    }

    /**
     * What "*" means as a source: the tailnet and every subnet routed into it, but not the
     * internet behind exit nodes. Computed on first use: approving routes never needs it.
     */
    private IpSet wildcardSources() {
        if (wildcardSources == null) {
            List<IpPrefix> subnets = topology.nodes().stream().flatMap(n -> n.subnetRoutes().stream()).toList();
            wildcardSources = TailnetRanges.TAILNET.union(IpSet.ofPrefixes(subnets));
        }
        return wildcardSources;
    }

    /** The addresses an alias stands for as a source. autogroup:self is handled by the compiler. */
    IpSet sources(Alias alias) {
        return switch (alias) {
            case Alias.Wildcard w -> wildcardSources();
            case Alias.Host h -> policy.hosts().get(h.name());
            case Alias.Addresses a -> a.addresses();
            default -> addressesOf(nodes(alias));
        };
    }

    /** The wire destinations of an alias: node aliases expand to one entry per node address. */
    List<Target> destinations(Alias alias) {
        return switch (alias) {
            case Alias.Wildcard w -> List.of(new Target("*", IpSet.ALL));
            case Alias.Host h -> byRange(policy.hosts().get(h.name()));
            case Alias.Addresses a -> byRange(a.addresses());
            case Alias.AutoGroup(AutoGroupKind kind) when kind == AutoGroupKind.INTERNET -> byPrefix(TailnetRanges.INTERNET);
            default -> {
                List<Target> out = new ArrayList<>();
                for (TopologyNode n : nodes(alias)) {
                    for (IpAddress a : n.addresses()) {
                        out.add(new Target(a.toString(), IpSet.of(new IpRange(a, a))));
                    }
                }
                yield out;
            }
        };
    }

    /** The nodes a node-valued alias (user, group, tag, autogroup) names. */
    List<TopologyNode> nodes(Alias alias) {
        return topology.nodes().stream().filter(n -> matches(n, alias)).toList();
    }

    /** Whether a node is one of those an owner or approver alias names. */
    boolean matches(TopologyNode node, Alias alias) {
        return switch (alias) {
            case Alias.Tag t -> node.tags().contains(t.name());
            case Alias.User u -> ownedBy(node, u.login());
            case Alias.Group g -> policy.groups().getOrDefault(g.name(), List.of()).stream().anyMatch(l -> ownedBy(node, l));
            case Alias.AutoGroup(AutoGroupKind kind) when kind == AutoGroupKind.MEMBER -> !node.tagged();
            case Alias.AutoGroup(AutoGroupKind kind) when kind == AutoGroupKind.TAGGED -> node.tagged();
            default -> false;
        };
    }

    private boolean ownedBy(TopologyNode node, String login) {
        if (node.owner().isEmpty()) {
            return false;
        }
        java.util.Set<Long> ids = usersByLogin.computeIfAbsent(login, l -> topology.users().stream()
                .filter(u -> u.hasLogin(l)).map(TopologyUser::id).collect(java.util.stream.Collectors.toSet()));
        return ids.contains(node.owner().getAsLong());
    }

    static IpSet addressesOf(List<TopologyNode> nodes) {
        return IpSet.ofAddresses(nodes.stream().flatMap(n -> n.addresses().stream()).toList());
    }

    private static List<Target> byRange(IpSet set) {
        return set.ranges().stream().map(r -> new Target(r.toWireString(), IpSet.of(r))).toList();
    }

    private static List<Target> byPrefix(IpSet set) {
        return set.ranges().stream().flatMap(r -> r.prefixes().stream())
                .map(p -> new Target(p.toString(), IpSet.of(p.range()))).toList();
    }

    Map<String, IpSet> hosts() {
        return policy.hosts();
    }
}
