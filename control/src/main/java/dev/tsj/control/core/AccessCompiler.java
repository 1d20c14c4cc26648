package dev.tsj.control.core;

import dev.tsj.control.api.FilterRule;
import dev.tsj.control.api.IpPrefix;
import dev.tsj.control.policy.CompiledPolicy;
import dev.tsj.control.policy.Policy;
import dev.tsj.control.policy.PolicyCompiler;
import dev.tsj.control.policy.Topology;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a policy and a topology into an {@link Access}: compiles once, serialises each
 * distinct filter once, and keeps the previous {@link ViewerAccess} of every node whose map
 * did not change, so that only the sessions of nodes that are affected do any work. Pure:
 * runs off the core thread.
 */
final class AccessCompiler {
    private AccessCompiler() {}

    static Access compile(Policy policy, Topology topology, Access previous) {
        CompiledPolicy compiled = PolicyCompiler.compile(policy, topology);
        long[] ids = compiled.nodeIds();
        NodeTable table = new NodeTable(ids);
        Map<List<FilterRule>, byte[]> filters = new IdentityHashMap<>();
        FilterJson json = new FilterJson();
        Map<dev.tsj.control.policy.IpPrefix, IpPrefix> prefixes = new HashMap<>();
        List<Long> routers = new ArrayList<>();
        for (long id : ids) {
            if (compiled.hasRoutes(id)) {
                routers.add(id);
            }
        }
        Map<Long, ViewerAccess> out = new HashMap<>();
        for (long id : ids) {
            byte[] filter = filters.computeIfAbsent(compiled.packetFilter(id), json::write);
            BitSet peers = compiled.visiblePositions(id);
            Map<Long, Set<IpPrefix>> routes = new HashMap<>();
            for (long router : routers) {
                if (peers.get(table.position(router))) {
                    Set<IpPrefix> granted = new LinkedHashSet<>();
                    for (dev.tsj.control.policy.IpPrefix p : compiled.visibleRoutes(id, router)) {
                        granted.add(prefixes.computeIfAbsent(p, PolicyTopology::prefix));
                    }
                    if (!granted.isEmpty()) {
                        routes.put(router, Set.copyOf(granted));
                    }
                }
            }
            ViewerAccess fresh = new ViewerAccess(filter, table, peers, routes);
            ViewerAccess before = previous.compiled(id);
            out.put(id, before != null && before.sameAs(fresh) ? before : fresh);
        }
        return new Access(policy, out);
    }
}
