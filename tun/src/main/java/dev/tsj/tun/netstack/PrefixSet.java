package dev.tsj.tun.netstack;

import java.util.Arrays;
import java.util.List;

/**
 * An immutable set of prefixes checked on the packet path. Route sets are small (a node
 * advertises a handful of subnets), so a linear scan over an array beats a trie here.
 */
public final class PrefixSet {

    public static final PrefixSet EMPTY = new PrefixSet(List.of());

    private final IpPrefix[] prefixes;

    public PrefixSet(List<IpPrefix> prefixes) {
        this.prefixes = prefixes.toArray(IpPrefix[]::new);
    }

    public static PrefixSet of(IpPrefix... prefixes) {
        return new PrefixSet(List.of(prefixes));
    }

    public static PrefixSet parse(String... cidrs) {
        return new PrefixSet(Arrays.stream(cidrs).map(IpPrefix::parse).toList());
    }

    public boolean contains(long hi, long lo) {
        for (IpPrefix p : prefixes) {
            if (p.contains(hi, lo)) return true;
        }
        return false;
    }

    public boolean contains(IpAddress a) {
        return contains(a.hi(), a.lo());
    }

    public boolean isEmpty() {
        return prefixes.length == 0;
    }

    public List<IpPrefix> prefixes() {
        return List.of(prefixes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PrefixSet p && Arrays.equals(prefixes, p.prefixes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(prefixes);
    }

    @Override
    public String toString() {
        return Arrays.toString(prefixes);
    }
}
