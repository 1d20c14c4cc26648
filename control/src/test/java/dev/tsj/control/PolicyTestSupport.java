package dev.tsj.control;

import dev.tsj.control.api.FilterRule;
import dev.tsj.control.api.Hostinfo;
import dev.tsj.control.api.IpPrefix;
import dev.tsj.control.api.NetMap;
import dev.tsj.control.api.Node;
import dev.tsj.control.policy.FilterRuleMatcher;
import dev.tsj.control.policy.IpAddress;
import dev.tsj.control.policy.IpProtocols;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/** What the policy tests ask of maps: who a node sees, and what its filter lets in. */
public final class PolicyTestSupport {
    /** The promise: a policy change reaches every node within one second. */
    public static final Duration SECOND = Duration.ofSeconds(1);
    public static final Duration LONG = Duration.ofSeconds(10);

    private PolicyTestSupport() {}

    /** Registers and opens a session, waiting for the node's first map. */
    public static TestNode online(TestServer server, String name, String key, Hostinfo hostinfo, int endpoint)
            throws Exception {
        TestNode n = new TestNode(server, name);
        if (hostinfo != null) {
            n.hostinfo = hostinfo;
        }
        n.register(key);
        n.open(TestNode.ep("198.18.7." + endpoint + ":41641"));
        n.awaitMap("first map", LONG, m -> m.self().online());
        return n;
    }

    public static Set<String> peers(NetMap m) {
        TreeSet<String> out = new TreeSet<>();
        m.peers().forEach(p -> out.add(p.name()));
        return out;
    }

    /** Whether the node whose map this is accepts a TCP connection from {@code from} to {@code port}. */
    public static boolean acceptsTcp(NetMap receiver, Node from, int port) {
        return accepts(receiver, from.ipv4(), receiver.self().ipv4(), port);
    }

    /** Whether the filter lets TCP from {@code src} to {@code dst}:{@code port} in. */
    public static boolean accepts(NetMap receiver, IpPrefix src, IpPrefix dst, int port) {
        IpAddress s = IpAddress.parse(src.address().getHostAddress()).orElseThrow();
        IpAddress d = IpAddress.parse(dst.address().getHostAddress()).orElseThrow();
        for (FilterRule r : receiver.packetFilter()) {
            if (FilterRuleMatcher.of(r).matches(s, d, IpProtocols.TCP, port)) {
                return true;
            }
        }
        return false;
    }
}
