package dev.tsj.control.api;

import java.util.List;

/**
 * One packet-filter rule for the receiving node, in Tailscale's shape (tailcfg.FilterRule):
 * packets from any of {@code srcIps} ("*", an address, a CIDR or an {@code a-b} range) to
 * any of {@code dstPorts} are accepted, for the IP protocols in {@code ipProto} (empty:
 * Tailscale's default of TCP, UDP, ICMP and ICMPv6). The policy compiler produces these and
 * the node's packet filter reads them: one type from policy to packet.
 */
public record FilterRule(List<String> srcIps, List<PortRange> dstPorts, List<Integer> ipProto) {
    public FilterRule {
        srcIps = srcIps == null ? List.of() : List.copyOf(srcIps);
        dstPorts = dstPorts == null ? List.of() : List.copyOf(dstPorts);
        ipProto = ipProto == null ? List.of() : List.copyOf(ipProto);
    }

    /**
     * One destination: {@code ip} ("*", an address, a CIDR or a range) and an inclusive port
     * range. Not validated here: a node skips a rule it cannot read rather than refuse the
     * whole map.
     */
    public record PortRange(String ip, int first, int last) {}

    /** The rule set of a tailnet without a policy: everything may reach everything. */
    public static final List<FilterRule> ALLOW_ALL =
            List.of(new FilterRule(List.of("*"), List.of(new PortRange("*", 0, 65535)), List.of()));
}
