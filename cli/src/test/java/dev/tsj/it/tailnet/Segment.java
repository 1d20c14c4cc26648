package dev.tsj.it.tailnet;

import dev.tsj.it.Netns;
import dev.tsj.it.Poll;
import java.time.Duration;

/**
 * One Ethernet segment: a bridge in a namespace of its own, which hosts join with a veth
 * each. The underlay ("internet", 198.18.0.0/15 and 2001:db8::/32) is one; a LAN behind
 * subnet routers (203.0.113.0/24, 2001:db8:1::/64) is another.
 */
final class Segment {
    private static final String BRIDGE = "br0";

    private final Lab lab;
    private final Netns sw;
    private final String name;

    private Segment(Lab lab, Netns sw, String name) {
        this.lab = lab;
        this.sw = sw;
        this.name = name;
    }

    static Segment create(Lab lab, String name) {
        Netns sw = lab.host(name);
        sw.run("ip", "link", "add", BRIDGE, "type", "bridge");
        sw.run("ip", "link", "set", BRIDGE, "up");
        return new Segment(lab, sw, name);
    }

    /**
     * Plugs {@code host} in through an interface named {@code ttSUITE + tag} and gives it
     * {@code cidrs}; returns the interface's name inside the host.
     */
    String attach(Netns host, String tag, String... cidrs) {
        String inHost = lab.ifName(tag);
        String inSwitch = lab.ifName(tag, "s");
        host.vethTo(inHost, sw, inSwitch);
        sw.run("ip", "link", "set", inSwitch, "master", BRIDGE);
        for (String cidr : cidrs) {
            host.addAddress(inHost, cidr);
        }
        // The kernel adds the IPv6 link-local address (and its route) a moment after the link
        // comes up; wait for it, so snapshots of the host's routes start from a settled state.
        Poll.until(Duration.ofSeconds(10), inHost + " to get its IPv6 link-local address",
                () -> host.exec("ip", "-6", "addr", "show", "dev", inHost).output(), () -> {
                    String linkLocal = host.exec("ip", "-6", "addr", "show", "dev", inHost, "scope", "link").output();
                    return linkLocal.contains("fe80::") && !linkLocal.contains("tentative");
                });
        return inHost;
    }

    @Override
    public String toString() {
        return "segment " + name;
    }
}
