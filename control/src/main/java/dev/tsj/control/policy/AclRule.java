package dev.tsj.control.policy;

import java.util.List;

/**
 * One accepted entry of the policy's acls list. An empty protocol list means Tailscale's
 * default set (TCP, UDP, ICMPv4, ICMPv6), which the wire form leaves implicit.
 */
public record AclRule(List<Alias> sources, List<AclDestination> destinations, List<Integer> protocols,
                      SourcePosition position) {
    public AclRule {
        sources = List.copyOf(sources);
        destinations = List.copyOf(destinations);
        protocols = List.copyOf(protocols);
    }
}
