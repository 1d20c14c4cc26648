package dev.tsj.control.api;

import java.util.List;

/**
 * One packet-filter rule for the receiving node, in Tailscale's shape: packets from any of
 * {@code srcIps} ("*" for any, else IPs or CIDRs) to any of {@code dstPorts} are accepted,
 * for the IP protocols in {@code ipProto} (empty: TCP, UDP and ICMP).
 */
public record FilterRule(List<String> srcIps, List<PortRange> dstPorts, List<Integer> ipProto) {
    public FilterRule {
        srcIps = srcIps == null ? List.of() : List.copyOf(srcIps);
        dstPorts = dstPorts == null ? List.of() : List.copyOf(dstPorts);
        ipProto = ipProto == null ? List.of() : List.copyOf(ipProto);
    }

    /** Destination {@code ip} ("*", an IP or a CIDR) and an inclusive port range. */
    public record PortRange(String ip, int first, int last) {}

    /** The rule set of a tailnet without a policy: everything may reach everything. */
    public static final List<FilterRule> ALLOW_ALL =
            List.of(new FilterRule(List.of("*"), List.of(new PortRange("*", 0, 65535)), List.of()));
}
