package dev.tsj.control.policy;

import java.util.List;
import java.util.Map;

/**
 * The autoApprovers section: who may have which subnet routes approved without an admin
 * ({@code routes}, keyed by the covering prefix) and who may become an exit node ({@code exitNode}).
 */
public record AutoApprovers(Map<IpPrefix, List<Alias>> routes, List<Alias> exitNode) {

    public static final AutoApprovers NONE = new AutoApprovers(Map.of(), List.of());

    public AutoApprovers {
        routes = Map.copyOf(routes);
        exitNode = List.copyOf(exitNode);
    }
}
