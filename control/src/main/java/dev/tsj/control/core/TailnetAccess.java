package dev.tsj.control.core;

import dev.tsj.control.EventLog;
import dev.tsj.control.policy.AutoApproval;
import dev.tsj.control.policy.TagOwners;
import dev.tsj.control.policy.Topology;
import dev.tsj.control.policy.TopologyNode;
import dev.tsj.control.store.NodeRow;
import dev.tsj.control.store.RouteRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The policy in force and the access compiled from it. Anything that may change who sees
 * whom (a node joins, leaves or expires, its tags or routes change, a new policy) invalidates
 * the access. Compilations run one at a time on their own thread, so the core keeps serving;
 * changes that arrive meanwhile are coalesced into the next one, and each result is published
 * on the core thread, which wakes every session. Core thread only, except {@link #current()}.
 */
final class TailnetAccess {
    private final Tailnet t;
    private final Scheduler scheduler;
    private final EventLog log;
    private TailnetPolicy policy;
    private volatile Access current = Access.ALLOW_ALL;
    private boolean dirty;
    private boolean compiling;

    TailnetAccess(Tailnet t, Scheduler scheduler, EventLog log) {
        this.t = t;
        this.scheduler = scheduler;
        this.log = log;
    }

    /** The latest published access; any thread. */
    Access current() {
        return current;
    }

    /** The policy in force, or null (allow all). */
    TailnetPolicy policy() {
        return policy;
    }

    /** Puts the policy found at start in force, compiled before any node connects. */
    void start(TailnetPolicy p) {
        policy = p;
        if (p != null) {
            current = AccessCompiler.compile(p.parsed(), topology(), Access.ALLOW_ALL);
        }
    }

    /**
     * Puts a new policy in force for the decisions taken from now on (tags, route approval);
     * nodes get its effect on their maps when {@link #invalidate()} has compiled it.
     */
    void replace(TailnetPolicy p) {
        policy = p;
    }

    /** Something that may change who sees whom happened. */
    void invalidate() {
        if (policy == null) {
            return;
        }
        dirty = true;
        if (!compiling) {
            startCompile();
        }
    }

    private Topology topology() {
        return PolicyTopology.of(t.users.values(), t.nodes.values(), t.routes);
    }

    private void startCompile() {
        dirty = false;
        compiling = true;
        TailnetPolicy p = policy;
        Topology topology = topology();
        Access before = current;
        Thread.ofPlatform().daemon(true).name("policy-compile").start(() -> {
            long start = System.nanoTime();
            Access result = null;
            try {
                result = AccessCompiler.compile(p.parsed(), topology, before);
            } catch (RuntimeException e) {
                log.warn("policy.compile_failed", "error", String.valueOf(e));
            }
            Access done = result;
            long millis = (System.nanoTime() - start) / 1_000_000;
            scheduler.schedule(Duration.ZERO, () -> published(p, done, topology.nodes().size(), millis));
        });
    }

    private void published(TailnetPolicy p, Access result, int nodes, long millis) {
        compiling = false;
        // A compilation of a policy replaced meanwhile is dropped: the replacement's follows.
        if (result != null && p == policy) {
            current = result;
            t.wakeAll();
            log.info("policy.compiled", "nodes", nodes, "ms", millis);
        }
        if (dirty) {
            startCompile();
        }
    }

    // ---- what the policy decides at registration and when routes are advertised ----------

    /**
     * The tags a node gets: its auth key's, and those it asks for that tagOwners give to the
     * key's user (or to one of the key's tags). Refuses when it asks for one it may not have.
     */
    List<String> tagsFor(long userId, List<String> keyTags, List<String> requested) throws ControlError {
        List<String> tags = new ArrayList<>(keyTags);
        List<String> refused = new ArrayList<>();
        for (String tag : requested) {
            if (tags.contains(tag)) {
                continue;
            }
            if (policy != null && TagOwners.mayTake(policy.parsed(), PolicyTopology.users(t.users.values()), userId,
                    keyTags, tag)) {
                tags.add(tag);
            } else {
                refused.add(tag);
            }
        }
        if (!refused.isEmpty()) {
            String user = t.users.containsKey(userId) ? t.users.get(userId).name() : "?";
            throw ControlError.badRequest("requested tags " + String.join(", ", refused) + " are not permitted: "
                    + (policy == null ? "there is no policy, so no tag has owners"
                    : "tagOwners in the policy does not give them to user " + user));
        }
        return List.copyOf(tags);
    }

    /** The node's route rows with what autoApprovers approve of its advertised routes approved. */
    List<RouteRow> autoApprove(NodeRow node, List<RouteRow> rows) {
        if (policy == null || rows.stream().allMatch(r -> r.approved() || !r.advertised())) {
            return rows;
        }
        TopologyNode n = PolicyTopology.node(node, rows);
        Topology topology = new Topology(PolicyTopology.users(t.users.values()), List.of(n), Map.of());
        Set<dev.tsj.control.api.IpPrefix> approved = new HashSet<>();
        AutoApproval.approvedRoutes(policy.parsed(), topology, n).forEach(p -> approved.add(PolicyTopology.prefix(p)));
        List<RouteRow> out = new ArrayList<>(rows.size());
        for (RouteRow r : rows) {
            if (!r.approved() && r.advertised() && approved.contains(r.prefix())) {
                log.info("route.auto_approved", "id", node.id(), "name", node.givenName(), "route", r.prefix());
                out.add(new RouteRow(r.nodeId(), r.prefix(), true, true));
            } else {
                out.add(r);
            }
        }
        return out;
    }
}
