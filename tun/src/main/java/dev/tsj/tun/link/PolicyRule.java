package dev.tsj.tun.link;

/**
 * A policy routing rule ({@code ip rule}): packets of the family, to {@code destination} if
 * given (else to anywhere), look up {@code table}; rules are tried by ascending
 * {@code priority}.
 */
public record PolicyRule(boolean ipv6, IpPrefix destination, int table, int priority) {
    public PolicyRule {
        if (destination != null) {
            if (destination.isIpv6() != ipv6) throw new IllegalArgumentException("rule family does not match " + destination);
            destination = destination.network();
        }
        if (priority < 0) throw new IllegalArgumentException("rule priority " + priority + " is negative");
        if (table < 1) throw new IllegalArgumentException("routing table " + table + " is out of range");
    }

    /** "to PREFIX lookup TABLE priority N". */
    public static PolicyRule to(IpPrefix destination, int table, int priority) {
        return new PolicyRule(destination.isIpv6(), destination, table, priority);
    }

    /** "lookup TABLE priority N" for every packet of the family. */
    public static PolicyRule all(boolean ipv6, int table, int priority) {
        return new PolicyRule(ipv6, null, table, priority);
    }

    @Override
    public String toString() {
        return (ipv6 ? "-6 " : "-4 ") + (destination == null ? "" : "to " + destination + " ")
                + "lookup " + table + " priority " + priority;
    }
}
