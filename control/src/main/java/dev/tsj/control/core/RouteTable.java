package dev.tsj.control.core;

import dev.tsj.control.api.IpPrefix;
import dev.tsj.control.store.RouteRow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * Subnet routes of all nodes and the primary router of each prefix. A prefix has one
 * primary among the online nodes that advertise it and have it approved. The primary
 * keeps the role while it stays online (a node that comes back does not grab it back);
 * when it goes away the lowest-id remaining candidate takes over. Exit routes (0.0.0.0/0
 * and ::/0) are never primary: as in Tailscale, every approved exit node is offered and
 * each node picks its own. Core thread only.
 */
final class RouteTable {
    private final Map<Long, List<RouteRow>> byNode = new HashMap<>();
    private final Map<IpPrefix, Long> primary = new HashMap<>();

    void load(List<RouteRow> rows) {
        for (RouteRow r : rows) {
            byNode.computeIfAbsent(r.nodeId(), k -> new ArrayList<>()).add(r);
        }
    }

    List<RouteRow> of(long nodeId) {
        return byNode.getOrDefault(nodeId, List.of());
    }

    Map<Long, List<RouteRow>> all() {
        return byNode;
    }

    boolean hasAny() {
        return !byNode.isEmpty();
    }

    /** Replaces a node's rows (an empty list forgets the node). */
    void put(long nodeId, List<RouteRow> rows) {
        if (rows.isEmpty()) {
            byNode.remove(nodeId);
        } else {
            byNode.put(nodeId, List.copyOf(rows));
        }
    }

    /**
     * The rows for a node that now advertises {@code advertised}: approvals are kept,
     * rows neither advertised nor approved are dropped.
     */
    List<RouteRow> withAdvertised(long nodeId, List<IpPrefix> advertised) {
        Map<IpPrefix, RouteRow> rows = new java.util.LinkedHashMap<>();
        for (RouteRow r : of(nodeId)) {
            if (r.approved()) {
                rows.put(r.prefix(), new RouteRow(nodeId, r.prefix(), false, true));
            }
        }
        for (IpPrefix p : advertised) {
            RouteRow old = rows.get(p);
            rows.put(p, new RouteRow(nodeId, p, true, old != null && old.approved()));
        }
        return new ArrayList<>(rows.values());
    }

    List<IpPrefix> primaryOf(long nodeId) {
        List<IpPrefix> out = new ArrayList<>();
        for (Map.Entry<IpPrefix, Long> e : primary.entrySet()) {
            if (e.getValue() == nodeId) {
                out.add(e.getKey());
            }
        }
        out.sort(java.util.Comparator.comparing(IpPrefix::toString));
        return out;
    }

    /** The node's approved, advertised exit routes (0.0.0.0/0 and ::/0). */
    List<IpPrefix> exitRoutesOf(long nodeId) {
        return of(nodeId).stream().filter(r -> r.enabled() && isExitRoute(r.prefix())).map(RouteRow::prefix).toList();
    }

    static boolean isExitRoute(IpPrefix p) {
        return p.bits() == 0;
    }

    /** Each node's primary subnet routes. */
    Map<Long, List<IpPrefix>> primariesByNode() {
        Map<Long, List<IpPrefix>> out = new HashMap<>();
        primary.forEach((p, id) -> out.computeIfAbsent(id, k -> new ArrayList<>()).add(p));
        return out;
    }

    boolean isPrimary(long nodeId, IpPrefix p) {
        Long id = primary.get(p);
        return id != null && id == nodeId;
    }

    /**
     * Re-elects primaries given which nodes can serve now; returns the ids of nodes whose
     * set of primary routes changed (their views must be rebuilt).
     */
    Set<Long> elect(LongPredicate canServe) {
        Map<IpPrefix, List<Long>> candidates = new HashMap<>();
        for (Map.Entry<Long, List<RouteRow>> e : byNode.entrySet()) {
            if (!canServe.test(e.getKey())) {
                continue;
            }
            for (RouteRow r : e.getValue()) {
                if (r.enabled() && !isExitRoute(r.prefix())) {
                    candidates.computeIfAbsent(r.prefix(), k -> new ArrayList<>()).add(e.getKey());
                }
            }
        }
        Set<Long> changed = new HashSet<>();
        for (IpPrefix p : new ArrayList<>(primary.keySet())) {
            Long cur = primary.get(p);
            List<Long> c = candidates.get(p);
            if (c == null || !c.contains(cur)) {
                primary.remove(p);
                changed.add(cur);
            }
        }
        for (Map.Entry<IpPrefix, List<Long>> e : candidates.entrySet()) {
            if (!primary.containsKey(e.getKey())) {
                long pick = e.getValue().stream().mapToLong(Long::longValue).min().orElseThrow();
                primary.put(e.getKey(), pick);
                changed.add(pick);
            }
        }
        return changed;
    }
}
