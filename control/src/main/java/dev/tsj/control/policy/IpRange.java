package dev.tsj.control.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** An inclusive interval of addresses of one family, e.g. {@code 100.64.0.0-100.115.91.255}. */
public record IpRange(IpAddress first, IpAddress last) implements Comparable<IpRange> {

    public IpRange {
        if (first.v6() != last.v6() || first.compareTo(last) > 0) {
            throw new IllegalArgumentException("bad range " + first + "-" + last);
        }
    }

    /** Parses {@code a-b} with both ends of one family and a not after b. */
    public static Optional<IpRange> parse(String text) {
        int dash = text.indexOf('-');
        if (dash < 0) {
            return Optional.empty();
        }
        Optional<IpAddress> a = IpAddress.parse(text.substring(0, dash));
        Optional<IpAddress> b = IpAddress.parse(text.substring(dash + 1));
        if (a.isEmpty() || b.isEmpty() || a.get().v6() != b.get().v6() || a.get().compareTo(b.get()) > 0) {
            return Optional.empty();
        }
        return Optional.of(new IpRange(a.get(), b.get()));
    }

    public boolean v6() {
        return first.v6();
    }

    public boolean contains(IpAddress a) {
        return a.v6() == first.v6() && first.compareTo(a) <= 0 && a.compareTo(last) <= 0;
    }

    public boolean overlaps(IpRange o) {
        return o.v6() == v6() && first.compareTo(o.last) <= 0 && o.first.compareTo(last) <= 0;
    }

    /** The CIDR prefixes that exactly cover this range, smallest count, in address order. */
    public List<IpPrefix> prefixes() {
        List<IpPrefix> out = new ArrayList<>();
        int width = first.bitLength();
        IpAddress cursor = first;
        while (true) {
            int hostBits = Math.min(trailingZeros(cursor), width);
            IpAddress blockLast;
            while (true) {
                blockLast = IpPrefix.lastAddress(cursor, width - hostBits);
                if (blockLast.compareTo(last) <= 0) {
                    break;
                }
                hostBits--;
            }
            out.add(new IpPrefix(cursor, width - hostBits));
            if (blockLast.equals(last)) {
                return out;
            }
            cursor = blockLast.next();
        }
    }

    /** The wire text Tailscale uses: a bare address, a CIDR when exact, else {@code a-b}. */
    public String toWireString() {
        if (first.equals(last)) {
            return first.toString();
        }
        List<IpPrefix> cover = prefixes();
        if (cover.size() == 1) {
            return cover.getFirst().toString();
        }
        return first + "-" + last;
    }

    private static int trailingZeros(IpAddress a) {
        if (a.lo() != 0) {
            return Long.numberOfTrailingZeros(a.lo());
        }
        return a.v6() ? 64 + (a.hi() == 0 ? 64 : Long.numberOfTrailingZeros(a.hi())) : 32;
    }

    @Override
    public int compareTo(IpRange o) {
        int c = first.compareTo(o.first);
        return c != 0 ? c : last.compareTo(o.last);
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
