package dev.tsj.control.core;

import dev.tsj.control.api.FilterRule;
import dev.tsj.control.api.IpPrefix;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * What one node may see and what its packet filter is: the peers it may see, which of their
 * routes it gets in their AllowedIPs, and its filter, already serialised (equal filters share
 * one array). {@link #ALL} is the tailnet without a policy: every peer, every route, allow all.
 * Immutable; shared between the core, which publishes it, and the session writers.
 */
public final class ViewerAccess {
    /** No policy: everyone sees everyone with all their routes, and everything is allowed. */
    static final ViewerAccess ALL = new ViewerAccess(PeerView.serialise(FilterRule.ALLOW_ALL), null, null, Map.of());
    /**
     * A node the policy has not been compiled for yet (it has just joined): it sees no one and
     * nothing may connect to it until the compilation that includes it is published.
     */
    static final ViewerAccess NONE = new ViewerAccess(PeerView.serialise(java.util.List.of()), new NodeTable(new long[0]),
            new BitSet(), Map.of());

    private final byte[] packetFilterJson;
    private final NodeTable table;
    private final BitSet peers;
    private final Map<Long, Set<IpPrefix>> routes;

    ViewerAccess(byte[] packetFilterJson, NodeTable table, BitSet peers, Map<Long, Set<IpPrefix>> routes) {
        this.packetFilterJson = packetFilterJson;
        this.table = table;
        this.peers = peers;
        this.routes = Map.copyOf(routes);
    }

    boolean isAll() {
        return table == null;
    }

    byte[] packetFilterJson() {
        return packetFilterJson;
    }

    /** Whether the node may see this peer (always, without a policy). */
    boolean sees(long peerId) {
        if (isAll()) {
            return true;
        }
        int p = table.position(peerId);
        return p >= 0 && peers.get(p);
    }

    /** The peer's routes this node gets in the peer's AllowedIPs; not meaningful for {@link #ALL}. */
    Set<IpPrefix> routesOf(long peerId) {
        return routes.getOrDefault(peerId, Set.of());
    }

    /** Calls {@code action} with each visible peer's id, ascending; not for {@link #ALL}. */
    void forEachPeer(LongConsumer action) {
        for (int p = peers.nextSetBit(0); p >= 0; p = peers.nextSetBit(p + 1)) {
            action.accept(table.id(p));
        }
    }

    boolean sameFilter(ViewerAccess o) {
        return packetFilterJson == o.packetFilterJson || Arrays.equals(packetFilterJson, o.packetFilterJson);
    }

    /** Whether the two give the node exactly the same map (compared by id, whatever tables they use). */
    boolean sameAs(ViewerAccess o) {
        if (this == o) {
            return true;
        }
        if (isAll() || o.isAll() || !sameFilter(o) || !routes.equals(o.routes)
                || peers.cardinality() != o.peers.cardinality()) {
            return false;
        }
        if (table == o.table) {
            return peers.equals(o.peers);
        }
        int a = peers.nextSetBit(0);
        int b = o.peers.nextSetBit(0);
        while (a >= 0 && b >= 0) {
            if (table.id(a) != o.table.id(b)) {
                return false;
            }
            a = peers.nextSetBit(a + 1);
            b = o.peers.nextSetBit(b + 1);
        }
        return a < 0 && b < 0;
    }

    /** Receives the differences between what a node had and what it has now. */
    interface Changes {
        void added(long peerId);

        void removed(long peerId);

        void routesChanged(long peerId);
    }

    /** Walks both peer sets in id order (neither may be {@link #ALL}). */
    static void diff(ViewerAccess before, ViewerAccess after, Changes out) {
        int a = before.peers.nextSetBit(0);
        int b = after.peers.nextSetBit(0);
        while (a >= 0 || b >= 0) {
            long idA = a >= 0 ? before.table.id(a) : Long.MAX_VALUE;
            long idB = b >= 0 ? after.table.id(b) : Long.MAX_VALUE;
            if (idA < idB) {
                out.removed(idA);
                a = before.peers.nextSetBit(a + 1);
            } else if (idB < idA) {
                out.added(idB);
                b = after.peers.nextSetBit(b + 1);
            } else {
                if (!before.routesOf(idA).equals(after.routesOf(idB))) {
                    out.routesChanged(idA);
                }
                a = before.peers.nextSetBit(a + 1);
                b = after.peers.nextSetBit(b + 1);
            }
        }
    }
}
