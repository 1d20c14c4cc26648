package dev.tsj.control.policy;

import java.util.List;

/** One {@code target:ports} entry of an ACL's dst list. */
public record AclDestination(Alias target, List<PortRange> ports) {
    public AclDestination {
        ports = List.copyOf(ports);
    }
}
