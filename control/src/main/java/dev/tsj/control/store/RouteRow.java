package dev.tsj.control.store;

import dev.tsj.control.api.IpPrefix;

/**
 * A subnet route of one node: advertised by the node, approved by an administrator (or
 * the policy's autoApprovers). Only a route that is both reaches peers.
 */
public record RouteRow(long nodeId, IpPrefix prefix, boolean advertised, boolean approved) {
    public boolean enabled() {
        return advertised && approved;
    }
}
