package dev.tsj.tun.netstack;

/**
 * A CIDR prefix ("203.0.113.0/24", "fd7a:115c:a1e0::/48"). IPv4 prefix lengths are
 * given in IPv4 terms and stored as lengths within the IPv4-mapped range.
 */
public record IpPrefix(IpAddress address, int bits) {

    public IpPrefix {
        int max = address.isV4() ? 32 : 128;
        if (bits < 0 || bits > max) {
            throw new IllegalArgumentException("prefix length " + bits + " out of range for " + address);
        }
        long[] masked = mask(address.hi(), address.lo(), mappedBits(address.isV4(), bits));
        address = new IpAddress(masked[0], masked[1]);
    }

    public static IpPrefix parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            IpAddress a = IpAddress.parse(cidr);
            return new IpPrefix(a, a.isV4() ? 32 : 128);
        }
        int bits;
        try {
            bits = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in " + cidr, e);
        }
        return new IpPrefix(IpAddress.parse(cidr.substring(0, slash)), bits);
    }

    /** Does the prefix hold the address given as two longs? */
    public boolean contains(long hi, long lo) {
        int b = mappedBits(address.isV4(), bits);
        if (b == 0) return true;
        if (b <= 64) {
            long m = -1L << (64 - b);
            return (hi & m) == address.hi();
        }
        long m = b == 128 ? -1L : -1L << (128 - b);
        return hi == address.hi() && (lo & m) == address.lo();
    }

    public boolean contains(IpAddress a) {
        return contains(a.hi(), a.lo());
    }

    private static int mappedBits(boolean v4, int bits) {
        return v4 ? 96 + bits : bits;
    }

    private static long[] mask(long hi, long lo, int b) {
        if (b <= 64) {
            return new long[] {b == 0 ? 0 : hi & (-1L << (64 - b)), 0};
        }
        return new long[] {hi, b == 128 ? lo : lo & (-1L << (128 - b))};
    }

    @Override
    public String toString() {
        return address + "/" + bits;
    }
}
