package dev.tsj.control.policy;

import java.util.List;

/** The address ranges Tailscale's control plane treats specially, under the names it uses. */
public final class TailnetRanges {

    /** RFC 6598 shared address space, from which tailnet IPv4 addresses come. */
    public static final IpPrefix CGNAT = prefix("100.64.0.0/10");
    /** Inside CGNAT but left out of "*": ChromeOS runs its Android VMs there. */
    public static final IpPrefix CHROMEOS_VM_RANGE = prefix("100.115.92.0/23");
    /** Tailscale's ULA prefix, from which tailnet IPv6 addresses come. */
    public static final IpPrefix TAILSCALE_ULA = prefix("fd7a:115c:a1e0::/48");

    /** What "*" means as a source before subnet routes are added. */
    public static final IpSet TAILNET = IpSet.ofPrefixes(List.of(CGNAT, TAILSCALE_ULA))
            .subtract(IpSet.ofPrefixes(List.of(CHROMEOS_VM_RANGE)));

    /**
     * autogroup:internet: global unicast IPv6 and all IPv4, less private (RFC 1918, ULA),
     * tailnet and link-local ranges.
     */
    public static final IpSet INTERNET = IpSet.ofPrefixes(List.of(prefix("2000::/3"), IpPrefix.V4_ALL))
            .subtract(IpSet.ofPrefixes(List.of(
                    prefix("fc00::/7"), prefix("10.0.0.0/8"), prefix("172.16.0.0/12"), prefix("192.168.0.0/16"),
                    TAILSCALE_ULA, CGNAT, prefix("fe80::/10"), prefix("169.254.0.0/16"))));

    private TailnetRanges() {}

    private static IpPrefix prefix(String text) {
        return IpPrefix.parse(text).orElseThrow();
    }
}
