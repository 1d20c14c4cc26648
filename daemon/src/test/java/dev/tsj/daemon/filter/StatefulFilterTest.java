package dev.tsj.daemon.filter;

import static org.junit.jupiter.api.Assertions.*;

import dev.tsj.control.api.FilterRule;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Rules from the netmap, the flows this node opened, and their expiry. */
class StatefulFilterTest {
    private static final String A = "100.64.0.1";   // group A member
    private static final String B = "100.64.0.2";   // someone else
    private static final String SERVER = "100.64.0.9"; // this node

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    /** "A may reach this node on TCP 80", in Tailscale's wire form. */
    private final List<FilterRule> webOnly = List.of(new FilterRule(List.of(A + "/32"),
            List.of(new FilterRule.PortRange(SERVER + "/32", 80, 80)), List.of()));

    static ByteBuffer tcp(String src, String dst, int sport, int dport) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(40);
        b.put(0, (byte) 0x45).putShort(2, (short) 40).put(9, (byte) 6);
        b.put(12, InetAddress.getByName(src).getAddress()).put(16, InetAddress.getByName(dst).getAddress());
        b.putShort(20, (short) sport).putShort(22, (short) dport);
        return b;
    }

    static ByteBuffer icmp(String src, String dst, int type, int id) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(28);
        b.put(0, (byte) 0x45).putShort(2, (short) 28).put(9, (byte) 1);
        b.put(12, InetAddress.getByName(src).getAddress()).put(16, InetAddress.getByName(dst).getAddress());
        b.put(20, (byte) type).putShort(24, (short) id);
        return b;
    }

    @Test
    void rulesDecidePortByPortAndSourceBySource() throws Exception {
        StatefulFilter f = StatefulFilter.of(webOnly, now::get);
        assertTrue(f.allowInbound(tcp(A, SERVER, 40000, 80), 0, 40));
        assertFalse(f.allowInbound(tcp(A, SERVER, 40000, 22), 0, 40), "port 22 not in the rule");
        assertFalse(f.allowInbound(tcp(B, SERVER, 40000, 80), 0, 40), "B is not in the rule");
    }

    @Test
    void repliesToFlowsThisNodeOpenedComeBackUntilIdle() throws Exception {
        StatefulFilter f = StatefulFilter.of(webOnly, now::get);
        // This node (SERVER) connects to B:443; B's answer is let in, B starting its own is not.
        f.outbound(tcp(SERVER, B, 51000, 443), 0, 40);
        assertTrue(f.allowInbound(tcp(B, SERVER, 443, 51000), 0, 40));
        assertFalse(f.allowInbound(tcp(B, SERVER, 443, 51001), 0, 40), "another port is another flow");
        assertFalse(f.allowInbound(tcp(B, SERVER, 51000, 443), 0, 40), "a reversed flow is not a reply");
        now.addAndGet(StatefulFilter.FLOW_IDLE_NANOS + 1);
        assertFalse(f.allowInbound(tcp(B, SERVER, 443, 51000), 0, 40), "idle flows expire");
    }

    @Test
    void pingRepliesOnlyForOurOwnEchoRequests() throws Exception {
        StatefulFilter f = StatefulFilter.of(List.of(), now::get);
        assertFalse(f.allowInbound(icmp(B, SERVER, 8, 7), 0, 28), "an empty filter lets nothing start");
        f.outbound(icmp(SERVER, B, 8, 7), 0, 28);
        assertTrue(f.allowInbound(icmp(B, SERVER, 0, 7), 0, 28));
        assertFalse(f.allowInbound(icmp(B, SERVER, 0, 8), 0, 28), "another identifier");
        assertFalse(f.allowInbound(icmp(B, SERVER, 8, 7), 0, 28), "a request is not a reply");
    }

    @Test
    void newRulesKeepOpenedFlows() throws Exception {
        StatefulFilter f = StatefulFilter.of(webOnly, now::get);
        f.outbound(tcp(SERVER, B, 51000, 443), 0, 40);
        StatefulFilter g = f.withRules(List.of());
        assertNotSame(f, g);
        assertSame(g, g.withRules(List.of()), "same rules, same filter");
        assertTrue(g.allowInbound(tcp(B, SERVER, 443, 51000), 0, 40));
        assertFalse(g.allowInbound(tcp(A, SERVER, 40000, 80), 0, 40), "the old rule is gone");
    }

    @Test
    void allowAllLetsEverythingIn() throws Exception {
        StatefulFilter f = StatefulFilter.of(FilterRule.ALLOW_ALL, now::get);
        assertTrue(f.allowInbound(tcp(B, SERVER, 1, 22), 0, 40));
        assertTrue(f.allowInbound(icmp(B, SERVER, 8, 1), 0, 28));
    }
}
