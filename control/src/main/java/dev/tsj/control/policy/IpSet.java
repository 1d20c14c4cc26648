package dev.tsj.control.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * An immutable set of addresses held as sorted, disjoint, non-adjacent ranges (IPv4 before
 * IPv6). Two sets that hold the same addresses are equal whatever notation built them, which
 * is what lets a /32 and a bare address, or a range and the CIDRs covering it, compare equal.
 */
public final class IpSet {

    public static final IpSet EMPTY = new IpSet(List.of());
    /** Every address of both families, what "*" means in a wire rule. */
    public static final IpSet ALL = IpSet.of(IpPrefix.V4_ALL.range(), IpPrefix.V6_ALL.range());

    private final List<IpRange> ranges;
    /** Cached: sets with thousands of ranges key maps while compiling. 0 means not computed yet. */
    private int hash;

    private IpSet(List<IpRange> normalised) {
        this.ranges = List.copyOf(normalised);
    }

    public static IpSet of(IpRange... ranges) {
        return of(List.of(ranges));
    }

    public static IpSet of(Collection<IpRange> ranges) {
        List<IpRange> sorted = new ArrayList<>(ranges);
        sorted.sort(null);
        List<IpRange> merged = new ArrayList<>(sorted.size());
        for (IpRange r : sorted) {
            if (!merged.isEmpty()) {
                IpRange top = merged.getLast();
                if (top.v6() == r.v6() && (top.overlaps(r) || (!top.last().isMax() && top.last().next().equals(r.first())))) {
                    if (r.last().compareTo(top.last()) > 0) {
                        merged.set(merged.size() - 1, new IpRange(top.first(), r.last()));
                    }
                    continue;
                }
            }
            merged.add(r);
        }
        return new IpSet(merged);
    }

    public static IpSet ofPrefixes(Collection<IpPrefix> prefixes) {
        return of(prefixes.stream().map(IpPrefix::range).toList());
    }

    public static IpSet ofAddresses(Collection<IpAddress> addresses) {
        return of(addresses.stream().map(a -> new IpRange(a, a)).toList());
    }

    /**
     * Parses one wire-form entry of SrcIPs or DstPorts.IP: {@code *}, a CIDR, a bare address
     * or an {@code a-b} range.
     */
    public static Optional<IpSet> parseWire(String text) {
        if (text.equals("*")) {
            return Optional.of(ALL);
        }
        Optional<IpPrefix> prefix = IpPrefix.parse(text);
        if (prefix.isPresent()) {
            return Optional.of(of(prefix.get().range()));
        }
        Optional<IpRange> range = IpRange.parse(text);
        if (range.isPresent()) {
            return Optional.of(of(range.get()));
        }
        return IpAddress.parse(text).map(a -> of(new IpRange(a, a)));
    }

    public List<IpRange> ranges() {
        return ranges;
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    public IpSet union(IpSet other) {
        List<IpRange> all = new ArrayList<>(ranges);
        all.addAll(other.ranges);
        return of(all);
    }

    public IpSet intersect(IpSet other) {
        List<IpRange> out = new ArrayList<>();
        walkOverlaps(other, (a, b) -> {
            IpAddress lo = a.first().compareTo(b.first()) >= 0 ? a.first() : b.first();
            IpAddress hi = a.last().compareTo(b.last()) <= 0 ? a.last() : b.last();
            out.add(new IpRange(lo, hi));
            return false;
        });
        return new IpSet(out);
    }

    /** Whether the sets share an address. */
    public boolean overlaps(IpSet other) {
        return walkOverlaps(other, (a, b) -> true);
    }

    /**
     * Walks both sorted range lists once, calling {@code onOverlap} for each overlapping pair
     * until it returns true; returns whether it did.
     */
    private boolean walkOverlaps(IpSet other, java.util.function.BiPredicate<IpRange, IpRange> onOverlap) {
        int i = 0;
        int j = 0;
        while (i < ranges.size() && j < other.ranges.size()) {
            IpRange a = ranges.get(i);
            IpRange b = other.ranges.get(j);
            if (a.overlaps(b) && onOverlap.test(a, b)) {
                return true;
            }
            if (a.last().compareTo(b.last()) < 0) {
                i++;
            } else {
                j++;
            }
        }
        return false;
    }

    public IpSet subtract(IpSet other) {
        List<IpRange> out = new ArrayList<>();
        for (IpRange r : ranges) {
            IpAddress cursor = r.first();
            boolean exhausted = false;
            for (IpRange cut : other.ranges) {
                if (!cut.overlaps(new IpRange(cursor, r.last()))) {
                    continue;
                }
                if (cut.first().compareTo(cursor) > 0) {
                    out.add(new IpRange(cursor, cut.first().previous()));
                }
                if (cut.last().compareTo(r.last()) >= 0) {
                    exhausted = true;
                    break;
                }
                cursor = cut.last().next();
            }
            if (!exhausted) {
                out.add(new IpRange(cursor, r.last()));
            }
        }
        return new IpSet(out);
    }

    public boolean contains(IpAddress a) {
        for (IpRange r : ranges) {
            if (r.contains(a)) {
                return true;
            }
        }
        return false;
    }

    public boolean overlaps(IpRange range) {
        for (IpRange r : ranges) {
            if (r.overlaps(range)) {
                return true;
            }
        }
        return false;
    }

    public boolean containsAll(IpSet other) {
        return other.subtract(this).isEmpty();
    }

    /** Tailscale's wire notation for this set, one entry per range, in address order. */
    public List<String> toWireStrings() {
        return ranges.stream().map(IpRange::toWireString).toList();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpSet s && s.ranges.equals(ranges);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = ranges.hashCode();
            hash = h;
        }
        return h;
    }

    @Override
    public String toString() {
        return String.join(",", toWireStrings());
    }
}
