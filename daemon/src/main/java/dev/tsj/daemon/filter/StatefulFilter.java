package dev.tsj.daemon.filter;

import dev.tsj.control.api.FilterRule;
import dev.tsj.control.policy.FilterRuleMatcher;
import dev.tsj.daemon.wg.PacketFilter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's inbound packet filter, from the rules the coordination server compiled for
 * it (Tailscale's wire form): a packet from the tunnel is delivered if a rule accepts it,
 * or if it answers a flow this node opened (TCP/UDP by addresses and ports, ICMP echo by
 * identifier). Everything else is dropped (the device counts it). The flow table outlives
 * rule changes: a new policy does not cut the node's own connections.
 */
public final class StatefulFilter implements PacketFilter {
    static final int ICMP = 1;
    static final int TCP = 6;
    static final int UDP = 17;
    static final int ICMPV6 = 58;
    /** How long an opened flow's replies are let in after its last outbound packet. */
    static final long FLOW_IDLE_NANOS = 300_000_000_000L; // 5 minutes, like conntrack's UDP stream

    private final FilterRuleMatcher[] rules;
    private final FlowTable flows;
    private final java.util.function.LongSupplier clock;
    private final List<FilterRule> wire;

    private StatefulFilter(List<FilterRule> wire, FilterRuleMatcher[] rules, FlowTable flows, java.util.function.LongSupplier clock) {
        this.wire = List.copyOf(wire);
        this.rules = rules;
        this.flows = flows;
        this.clock = clock;
    }

    /** Compiles the netmap's rules; a rule the daemon cannot read is skipped (fail closed). */
    public static StatefulFilter of(List<FilterRule> wire) {
        return compile(wire, new FlowTable(), System::nanoTime);
    }

    /** The same flows under new rules; {@code this} if the rules did not change. */
    public StatefulFilter withRules(List<FilterRule> newRules) {
        return newRules.equals(wire) ? this : compile(newRules, flows, clock);
    }

    static StatefulFilter of(List<FilterRule> wire, java.util.function.LongSupplier clock) {
        return compile(wire, new FlowTable(), clock);
    }

    private static StatefulFilter compile(List<FilterRule> wire, FlowTable flows, java.util.function.LongSupplier clock) {
        List<FilterRuleMatcher> out = new ArrayList<>();
        for (FilterRule r : wire) {
            try {
                out.add(FilterRuleMatcher.of(r));
            } catch (IllegalArgumentException e) {
                java.util.logging.Logger.getLogger(StatefulFilter.class.getName()).warning("filter rule skipped: " + e.getMessage());
            }
        }
        return new StatefulFilter(wire, out.toArray(new FilterRuleMatcher[0]), flows, clock);
    }

    public int ruleCount() {
        return rules.length;
    }

    @Override
    public void outbound(ByteBuffer b, int off, int len) {
        long key = flowKey(b, off, len, true);
        if (key != 0) {
            flows.put(key, clock.getAsLong() + FLOW_IDLE_NANOS);
        }
    }

    @Override
    public boolean allowInbound(ByteBuffer b, int off, int len) {
        if (matchesRules(b, off, len)) {
            return true;
        }
        long key = flowKey(b, off, len, false);
        if (key != 0 && flows.contains(key, clock.getAsLong())) {
            return true;
        }
        return false;
    }

    private boolean matchesRules(ByteBuffer b, int off, int len) {
        int v = (b.get(off) & 0xff) >>> 4;
        if (v == 4) {
            int ihl = (b.get(off) & 0x0f) * 4;
            int proto = b.get(off + 9) & 0xff;
            int port = portAt(b, off + ihl, len - ihl, proto, true);
            int src = b.getInt(off + 12);
            int dst = b.getInt(off + 16);
            for (FilterRuleMatcher r : rules) {
                if (r.matchesV4(src, dst, proto, port)) {
                    return true;
                }
            }
        } else if (v == 6 && len >= 40) {
            int proto = b.get(off + 6) & 0xff;
            int port = portAt(b, off + 40, len - 40, proto, true);
            long sh = b.getLong(off + 8), sl = b.getLong(off + 16), dh = b.getLong(off + 24), dl = b.getLong(off + 32);
            for (FilterRuleMatcher r : rules) {
                if (r.matchesV6(sh, sl, dh, dl, proto, port)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The destination (or source) port of a TCP/UDP packet, 0 for others or truncated ones. */
    private static int portAt(ByteBuffer b, int l4, int l4len, int proto, boolean destination) {
        if ((proto == TCP || proto == UDP) && l4len >= 4) {
            return b.getShort(l4 + (destination ? 2 : 0)) & 0xffff;
        }
        return 0;
    }

    /**
     * The fingerprint of the flow a packet belongs to, seen from this node: (protocol,
     * local address, remote address, local port, remote port). Outbound packets are read
     * src=local; inbound dst=local. ICMP echo uses the identifier as both ports, and only
     * an echo request opens a flow, only an echo reply answers it. 0 = no flow.
     */
    long flowKey(ByteBuffer b, int off, int len, boolean outbound) {
        int v = (b.get(off) & 0xff) >>> 4;
        long localHi, localLo, remoteHi, remoteLo;
        int proto;
        int l4;
        if (v == 4 && len >= 20) {
            proto = b.get(off + 9) & 0xff;
            l4 = off + (b.get(off) & 0x0f) * 4;
            long s = b.getInt(off + 12) & 0xffffffffL;
            long d = b.getInt(off + 16) & 0xffffffffL;
            localHi = 0;
            remoteHi = 0;
            localLo = outbound ? s : d;
            remoteLo = outbound ? d : s;
        } else if (v == 6 && len >= 40) {
            proto = b.get(off + 6) & 0xff;
            l4 = off + 40;
            long sh = b.getLong(off + 8), sl = b.getLong(off + 16), dh = b.getLong(off + 24), dl = b.getLong(off + 32);
            localHi = outbound ? sh : dh;
            localLo = outbound ? sl : dl;
            remoteHi = outbound ? dh : sh;
            remoteLo = outbound ? dl : sl;
        } else {
            return 0;
        }
        int l4len = off + len - l4;
        int localPort;
        int remotePort;
        if ((proto == TCP || proto == UDP) && l4len >= 4) {
            int sp = b.getShort(l4) & 0xffff;
            int dp = b.getShort(l4 + 2) & 0xffff;
            localPort = outbound ? sp : dp;
            remotePort = outbound ? dp : sp;
        } else if ((proto == ICMP || proto == ICMPV6) && l4len >= 8) {
            int type = b.get(l4) & 0xff;
            boolean request = type == 8 || type == 128;
            boolean reply = type == 0 || type == 129;
            if (outbound ? !request : !reply) {
                return 0;
            }
            localPort = b.getShort(l4 + 4) & 0xffff;
            remotePort = localPort;
        } else {
            return 0;
        }
        return flows.fingerprint(((long) proto << 32) | ((long) localPort << 16) | remotePort,
                localHi, localLo, remoteHi, remoteLo);
    }
}
