package dev.tsj.control.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes of a topology by position, with the facts the compiler asks about again and
 * again, and a sorted address table that answers "which nodes does this address set touch"
 * by binary search instead of asking every node. Node sets are {@link BitSet}s of positions.
 */
final class NodeIndex {
    final List<TopologyNode> nodes;
    final IpSet[] addresses;
    final IpSet[] subnets;
    /** Untagged nodes by the user that owns them. */
    final Map<Long, BitSet> byOwner = new HashMap<>();
    private final Map<Long, Integer> positions = new HashMap<>();
    private final IpAddress[] sorted;
    private final int[] sortedOwner;
    private final int[] routers;
    private final BitSet exits = new BitSet();

    NodeIndex(List<TopologyNode> nodes) {
        this.nodes = nodes;
        int n = nodes.size();
        addresses = new IpSet[n];
        subnets = new IpSet[n];
        List<Integer> routerList = new ArrayList<>();
        record Held(IpAddress address, int node) {}
        List<Held> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TopologyNode t = nodes.get(i);
            positions.put(t.id(), i);
            addresses[i] = t.addressSet();
            subnets[i] = IpSet.ofPrefixes(t.subnetRoutes());
            if (!subnets[i].isEmpty()) {
                routerList.add(i);
            }
            if (!t.exitRoutes().isEmpty()) {
                exits.set(i);
            }
            if (t.owner().isPresent()) {
                byOwner.computeIfAbsent(t.owner().getAsLong(), k -> new BitSet()).set(i);
            }
            for (IpAddress a : t.addresses()) {
                held.add(new Held(a, i));
            }
        }
        held.sort((x, y) -> x.address().compareTo(y.address()));
        sorted = held.stream().map(Held::address).toArray(IpAddress[]::new);
        sortedOwner = held.stream().mapToInt(Held::node).toArray();
        routers = routerList.stream().mapToInt(Integer::intValue).toArray();
    }

    int size() {
        return nodes.size();
    }

    /** The position of a node id, or -1. */
    int position(long nodeId) {
        Integer p = positions.get(nodeId);
        return p == null ? -1 : p;
    }

    /** Nodes one of whose own addresses lies in {@code set}. */
    BitSet holding(IpSet set) {
        BitSet out = new BitSet();
        for (IpRange r : set.ranges()) {
            int i = lowerBound(r.first());
            while (i < sorted.length && sorted[i].compareTo(r.last()) <= 0) {
                out.set(sortedOwner[i]);
                i++;
            }
        }
        return out;
    }

    /** Nodes traffic from {@code sources} can come from: by their addresses or the subnets they serve. */
    BitSet senders(IpSet sources) {
        BitSet out = holding(sources);
        addRouters(out, sources);
        return out;
    }

    /**
     * Nodes that must accept traffic to {@code destination}: it covers one of their addresses,
     * overlaps a subnet they serve, or lies wholly in the internet while they are exit nodes.
     */
    BitSet receivers(IpSet destination) {
        BitSet out = holding(destination);
        addRouters(out, destination);
        if (!exits.isEmpty() && TailnetRanges.INTERNET.containsAll(destination)) {
            out.or(exits);
        }
        return out;
    }

    private void addRouters(BitSet out, IpSet set) {
        for (int r : routers) {
            if (!out.get(r) && set.overlaps(subnets[r])) {
                out.set(r);
            }
        }
    }

    private int lowerBound(IpAddress a) {
        int i = Arrays.binarySearch(sorted, a);
        if (i < 0) {
            return -i - 1;
        }
        while (i > 0 && sorted[i - 1].equals(a)) {
            i--;
        }
        return i;
    }
}
