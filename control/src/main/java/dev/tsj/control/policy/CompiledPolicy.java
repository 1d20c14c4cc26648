package dev.tsj.control.policy;

import dev.tsj.control.api.FilterRule;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The result of compiling a policy against a topology, held compactly (node sets as bits,
 * equal filters shared) because a thousand-node tailnet where everyone sees everyone has a
 * million peer pairs: {@link #forNode} spells one node's share out for tools and tests,
 * while the server reads {@link #packetFilter}, {@link #visiblePeers} and
 * {@link #visibleRoutes}. Immutable.
 */
public final class CompiledPolicy {

    /** One route a router serves (a subnet route or an exit route) and the viewers that may get it. */
    record RouteGrant(IpPrefix route, boolean exit, BitSet viewers) {}

    private final NodeIndex index;
    private final List<List<FilterRule>> filters;
    private final BitSet[] visible;
    private final Map<Integer, List<RouteGrant>> grants;
    private final Topology topology;

    CompiledPolicy(NodeIndex index, List<List<FilterRule>> filters, BitSet[] visible,
                   Map<Integer, List<RouteGrant>> grants, Topology topology) {
        this.index = index;
        this.filters = List.copyOf(filters);
        this.visible = visible;
        this.grants = Map.copyOf(grants);
        this.topology = topology;
    }

    /** The topology this was compiled against. */
    public Topology topology() {
        return topology;
    }

    public boolean contains(long nodeId) {
        return index.position(nodeId) >= 0;
    }

    /** The node's packet filter (equal filters are the same list object), or empty for an unknown node. */
    public List<FilterRule> packetFilter(long nodeId) {
        int i = index.position(nodeId);
        return i < 0 ? List.of() : filters.get(i);
    }

    /** The node ids in topology order: what the positions of {@link #visiblePositions} refer to. */
    public long[] nodeIds() {
        return index.nodes.stream().mapToLong(TopologyNode::id).toArray();
    }

    /** The peers the node may see as positions into {@link #nodeIds()} (a copy), or null for an unknown node. */
    public BitSet visiblePositions(long nodeId) {
        int i = index.position(nodeId);
        return i < 0 ? null : (BitSet) visible[i].clone();
    }

    /** The ids of the peers the node may see, in topology order; empty for an unknown node. */
    public long[] visiblePeers(long nodeId) {
        int i = index.position(nodeId);
        if (i < 0) {
            return new long[0];
        }
        BitSet b = visible[i];
        long[] out = new long[b.cardinality()];
        int k = 0;
        for (int p = b.nextSetBit(0); p >= 0; p = b.nextSetBit(p + 1)) {
            out[k++] = index.nodes.get(p).id();
        }
        return out;
    }

    /**
     * Which of the routes the peer serves (subnet routes, primary or not, then exit routes) the
     * viewer may get in the peer's AllowedIPs; of subnet routes only the primary router's show.
     */
    public List<IpPrefix> visibleRoutes(long viewerId, long peerId) {
        int v = index.position(viewerId);
        int p = index.position(peerId);
        if (v < 0 || p < 0) {
            return List.of();
        }
        List<IpPrefix> out = new ArrayList<>();
        for (RouteGrant g : grants.getOrDefault(p, List.of())) {
            if (g.viewers().get(v)) {
                out.add(g.route());
            }
        }
        return out;
    }

    /** Whether the peer serves any route a viewer could be granted. */
    public boolean hasRoutes(long peerId) {
        int p = index.position(peerId);
        return p >= 0 && grants.containsKey(p);
    }

    /** One node's filter and peers spelled out, as Tailscale's map response would carry them. */
    public Optional<NodePolicy> forNode(long nodeId) {
        int v = index.position(nodeId);
        if (v < 0) {
            return Optional.empty();
        }
        List<PeerEntry> peers = new ArrayList<>();
        BitSet b = visible[v];
        for (int p = b.nextSetBit(0); p >= 0; p = b.nextSetBit(p + 1)) {
            TopologyNode peer = index.nodes.get(p);
            List<String> allowed = new ArrayList<>();
            for (IpAddress a : peer.addresses()) {
                allowed.add(IpPrefix.host(a).toString());
            }
            List<String> primary = new ArrayList<>();
            List<IpPrefix> primaries = topology.primaryRoutesOf(peer.id());
            for (RouteGrant g : grants.getOrDefault(p, List.of())) {
                if (g.viewers().get(v) && (g.exit() || primaries.contains(g.route()))) {
                    allowed.add(g.route().toString());
                    if (!g.exit()) {
                        primary.add(g.route().toString());
                    }
                }
            }
            peers.add(new PeerEntry(peer.id(), peer.hostname(), allowed, primary));
        }
        return Optional.of(new NodePolicy(nodeId, filters.get(v), peers));
    }
}
