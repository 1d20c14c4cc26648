package dev.tsj.it.tailnet;

import dev.tsj.it.Netns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A home router in a namespace of its own: a WAN interface on the underlay, a LAN
 * interface towards one host, forwarding between them, and one of the NAT rule sets of
 * {@code shared/docs/NATLAB.md}, which a test swaps between cases ({@link #apply}) instead
 * of rebuilding the topology.
 */
final class NatBox {
    /** How the router treats its host's traffic. */
    enum Mode {
        /** Endpoint-independent mapping (the port is kept when free), APDF filtering: plain masquerade. */
        EASY,
        /** A new random outside port per destination: {@code masquerade random}. */
        HARD,
        /** Easy NAT, but every UDP datagram from the LAN dropped: only TCP leaves. */
        UDP_BLOCKED,
        /**
         * Easy mapping, address-restricted filtering: the host's WireGuard port is forwarded
         * for any source address the host sent to in the last minute, whatever its port.
         */
        ADF
    }

    final Netns ns;
    final String wan;
    final String lan;
    final String host;
    private final Path rules;
    private Mode mode;

    /** {@code host}: the LAN address of the host behind it, whose port {@link Mode#ADF} forwards. */
    NatBox(Lab lab, Netns ns, String wan, String lan, String host) {
        this.ns = ns;
        this.wan = wan;
        this.lan = lan;
        this.host = host;
        this.rules = lab.work.resolve(ns.name() + ".nft");
        ns.run("sysctl", "-qw", "net.ipv4.ip_forward=1");
    }

    /** Replaces the whole rule set; existing mappings stay in conntrack until {@link #forgetMappings}. */
    void apply(Mode m) {
        // The input rule is on every router, as on every real one: without it the first punch
        // packet from the far side, arriving before our host sent anything, creates a conntrack
        // entry on the router itself on the very tuple the host needs (NATLAB.md).
        String masquerade = m == Mode.HARD ? "masquerade random" : "masquerade";
        String forward = m == Mode.UDP_BLOCKED ? "iifname \"" + lan + "\" meta l4proto udp drop;" : "";
        String text = String.join("\n",
                "flush ruleset",
                "table ip filter {",
                "  chain input { type filter hook input priority filter; iifname \"" + wan + "\" ct state new drop; }",
                "  chain fwdc { type filter hook forward priority filter; " + forward + " }",
                "}",
                "table ip nat {",
                m == Mode.ADF ? adf() : "",
                "  chain post { type nat hook postrouting priority srcnat; oifname \"" + wan + "\" " + masquerade + "; }",
                "}",
                "");
        try {
            Files.writeString(rules, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ns.run("nft", "-f", rules.toString());
        mode = m;
    }

    /** The ADF chains: remember where the host sent (a forward chain; "fwd" is a reserved word), let those in. */
    private String adf() {
        return String.join("\n",
                "  set contacted { type ipv4_addr; flags dynamic,timeout; timeout 60s; }",
                "  chain fwdc { type filter hook forward priority filter; iifname \"" + lan + "\" update @contacted { ip daddr }; }",
                "  chain pre { type nat hook prerouting priority dstnat; iifname \"" + wan + "\" ip saddr @contacted udp dport "
                        + TsjNode.WG_PORT + " dnat to " + host + ":" + TsjNode.WG_PORT + "; }");
    }

    /**
     * Forgets every UDP mapping, as a router does when its mappings time out or it reboots;
     * TCP connections (the relay's) keep theirs. conntrack exits 1 when there was none.
     */
    void forgetMappings() {
        ns.exec("conntrack", "-D", "-p", "udp");
    }

    Mode mode() {
        return mode;
    }

    @Override
    public String toString() {
        return "NAT " + ns.name() + " (" + mode + ")";
    }
}
