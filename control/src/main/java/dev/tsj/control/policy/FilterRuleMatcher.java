package dev.tsj.control.policy;

import dev.tsj.control.api.FilterRule;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides whether one packet matches one wire {@link FilterRule}, for a node's packet filter.
 * Built once per rule; matching allocates nothing and takes addresses as primitives, IPv4 as an
 * int in network order and IPv6 as two longs. As in Tailscale's filter, ports count only for
 * TCP, UDP and SCTP: an ICMP packet matches on addresses and protocol alone.
 */
public final class FilterRuleMatcher {

    /** Indexed by protocol number: whether the protocol has ports. An array, not a Set, to avoid boxing per packet. */
    private static final boolean[] HAS_PORTS = new boolean[256];

    static {
        IpProtocols.WITH_PORTS.forEach(p -> HAS_PORTS[p] = true);
    }

    private final AddressRanges sources;
    private final AddressRanges[] destinations;
    private final int[] portFirst;
    private final int[] portLast;
    private final boolean[] protocols = new boolean[256];

    private FilterRuleMatcher(AddressRanges sources, AddressRanges[] destinations, int[] portFirst, int[] portLast) {
        this.sources = sources;
        this.destinations = destinations;
        this.portFirst = portFirst;
        this.portLast = portLast;
    }

    /** Compiles a rule; a source or destination that is not a valid address notation is an error. */
    public static FilterRuleMatcher of(FilterRule rule) {
        IpSet src = IpSet.EMPTY;
        for (String s : rule.srcIps()) {
            src = src.union(wire(s));
        }
        int n = rule.dstPorts().size();
        AddressRanges[] dst = new AddressRanges[n];
        int[] first = new int[n];
        int[] last = new int[n];
        for (int i = 0; i < n; i++) {
            FilterRule.PortRange d = rule.dstPorts().get(i);
            dst[i] = new AddressRanges(wire(d.ip()));
            first[i] = d.first();
            last[i] = d.last();
        }
        FilterRuleMatcher m = new FilterRuleMatcher(new AddressRanges(src), dst, first, last);
        for (int p : IpProtocols.effective(rule)) {
            m.protocols[p & 0xFF] = true;
        }
        return m;
    }

    public boolean matchesV4(int src, int dst, int protocol, int dstPort) {
        if (!protocols[protocol & 0xFF] || !sources.containsV4(src)) {
            return false;
        }
        boolean ported = HAS_PORTS[protocol & 0xFF];
        for (int i = 0; i < destinations.length; i++) {
            if (destinations[i].containsV4(dst) && (!ported || (portFirst[i] <= dstPort && dstPort <= portLast[i]))) {
                return true;
            }
        }
        return false;
    }

    public boolean matchesV6(long srcHi, long srcLo, long dstHi, long dstLo, int protocol, int dstPort) {
        if (!protocols[protocol & 0xFF] || !sources.containsV6(srcHi, srcLo)) {
            return false;
        }
        boolean ported = HAS_PORTS[protocol & 0xFF];
        for (int i = 0; i < destinations.length; i++) {
            if (destinations[i].containsV6(dstHi, dstLo) && (!ported || (portFirst[i] <= dstPort && dstPort <= portLast[i]))) {
                return true;
            }
        }
        return false;
    }

    /** Convenience form for tests and tools; the packet path uses the primitive forms. */
    public boolean matches(IpAddress src, IpAddress dst, int protocol, int dstPort) {
        if (src.v6() != dst.v6()) {
            return false;
        }
        return src.v6() ? matchesV6(src.hi(), src.lo(), dst.hi(), dst.lo(), protocol, dstPort)
                : matchesV4((int) src.lo(), (int) dst.lo(), protocol, dstPort);
    }

    /** Whether any of the rules accepts the packet: a node's whole filter. */
    public static boolean anyMatchesV4(List<FilterRuleMatcher> rules, int src, int dst, int protocol, int dstPort) {
        for (FilterRuleMatcher r : rules) {
            if (r.matchesV4(src, dst, protocol, dstPort)) {
                return true;
            }
        }
        return false;
    }

    private static IpSet wire(String text) {
        return IpSet.parseWire(text).orElseThrow(() -> new IllegalArgumentException("not an address or range: \"" + text + "\""));
    }

    /** An {@link IpSet} flattened into sorted arrays for allocation-free binary search. */
    private static final class AddressRanges {
        private final long[] v4First;
        private final long[] v4Last;
        private final long[] v6FirstHi;
        private final long[] v6FirstLo;
        private final long[] v6LastHi;
        private final long[] v6LastLo;

        AddressRanges(IpSet set) {
            List<IpRange> v4 = new ArrayList<>();
            List<IpRange> v6 = new ArrayList<>();
            for (IpRange r : set.ranges()) {
                (r.v6() ? v6 : v4).add(r);
            }
            v4First = new long[v4.size()];
            v4Last = new long[v4.size()];
            for (int i = 0; i < v4.size(); i++) {
                v4First[i] = v4.get(i).first().lo();
                v4Last[i] = v4.get(i).last().lo();
            }
            v6FirstHi = new long[v6.size()];
            v6FirstLo = new long[v6.size()];
            v6LastHi = new long[v6.size()];
            v6LastLo = new long[v6.size()];
            for (int i = 0; i < v6.size(); i++) {
                v6FirstHi[i] = v6.get(i).first().hi();
                v6FirstLo[i] = v6.get(i).first().lo();
                v6LastHi[i] = v6.get(i).last().hi();
                v6LastLo[i] = v6.get(i).last().lo();
            }
        }

        boolean containsV4(int address) {
            long a = address & 0xFFFF_FFFFL;
            int lo = 0;
            int hi = v4First.length - 1;
            // The ranges are disjoint and sorted: find the last one starting at or before a.
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (v4First[mid] <= a) {
                    if (a <= v4Last[mid]) {
                        return true;
                    }
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return false;
        }

        boolean containsV6(long aHi, long aLo) {
            int lo = 0;
            int hi = v6FirstHi.length - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (compare(v6FirstHi[mid], v6FirstLo[mid], aHi, aLo) <= 0) {
                    if (compare(aHi, aLo, v6LastHi[mid], v6LastLo[mid]) <= 0) {
                        return true;
                    }
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return false;
        }

        private static int compare(long aHi, long aLo, long bHi, long bLo) {
            int c = Long.compareUnsigned(aHi, bHi);
            return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
        }
    }
}
