package dev.tsj.control.policy;

import dev.tsj.control.api.FilterRule;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * IANA protocol numbers under the names Tailscale's policy syntax accepts in an ACL's
 * {@code proto} field (kb/1337 "proto"), and the set a rule without {@code proto} allows.
 */
public final class IpProtocols {

    public static final int ICMP = 1;
    public static final int IGMP = 2;
    public static final int IPV4 = 4;
    public static final int TCP = 6;
    public static final int EGP = 8;
    public static final int IGP = 9;
    public static final int UDP = 17;
    public static final int GRE = 47;
    public static final int ESP = 50;
    public static final int AH = 51;
    public static final int ICMPV6 = 58;
    public static final int SCTP = 132;

    /** What an ACL without proto allows; the wire form omits IPProto for exactly this set. */
    public static final List<Integer> DEFAULT = List.of(TCP, UDP, ICMP, ICMPV6);

    /** Protocols that carry ports; every other protocol only matches a rule whose ports are "*". */
    public static final Set<Integer> WITH_PORTS = Set.of(TCP, UDP, SCTP);

    /** The protocols a wire rule allows, with the default spelled out. */
    public static List<Integer> effective(FilterRule rule) {
        return rule.ipProto().isEmpty() ? DEFAULT : rule.ipProto();
    }

    static final Map<String, Integer> BY_NAME = Map.ofEntries(
            Map.entry("icmp", ICMP),
            Map.entry("igmp", IGMP),
            Map.entry("ipv4", IPV4),
            Map.entry("ip-in-ip", IPV4),
            Map.entry("tcp", TCP),
            Map.entry("egp", EGP),
            Map.entry("igp", IGP),
            Map.entry("udp", UDP),
            Map.entry("gre", GRE),
            Map.entry("esp", ESP),
            Map.entry("ah", AH),
            Map.entry("ipv6-icmp", ICMPV6),
            Map.entry("sctp", SCTP));

    private IpProtocols() {}
}
