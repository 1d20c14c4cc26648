package dev.tsj.control.policy;

import java.util.Optional;

/** A CIDR prefix with its host bits cleared, e.g. {@code 10.33.0.0/16} or {@code fd7a:115c:a1e0::/48}. */
public record IpPrefix(IpAddress address, int bits) implements Comparable<IpPrefix> {

    public static final IpPrefix V4_ALL = new IpPrefix(IpAddress.V4_ZERO, 0);
    public static final IpPrefix V6_ALL = new IpPrefix(IpAddress.V6_ZERO, 0);

    public IpPrefix {
        if (bits < 0 || bits > address.bitLength()) {
            throw new IllegalArgumentException("prefix length out of range");
        }
        address = mask(address, bits);
    }

    /** The single-address prefix: /32 or /128. */
    public static IpPrefix host(IpAddress address) {
        return new IpPrefix(address, address.bitLength());
    }

    /**
     * Parses {@code addr/bits}. Host bits are cleared ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}),
     * as the control plane's set arithmetic does.
     */
    public static Optional<IpPrefix> parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        Optional<IpAddress> address = IpAddress.parse(text.substring(0, slash));
        String bitsText = text.substring(slash + 1);
        if (address.isEmpty() || bitsText.isEmpty() || bitsText.length() > 3
                || !bitsText.chars().allMatch(c -> c >= '0' && c <= '9')
                || (bitsText.length() > 1 && bitsText.charAt(0) == '0')) {
            return Optional.empty();
        }
        int bits = Integer.parseInt(bitsText);
        if (bits > address.get().bitLength()) {
            return Optional.empty();
        }
        return Optional.of(new IpPrefix(address.get(), bits));
    }

    public IpRange range() {
        return new IpRange(address, lastAddress(address, bits));
    }

    /** True for 0.0.0.0/0 and ::/0, the routes that make a node an exit node. */
    public boolean isDefaultRoute() {
        return bits == 0;
    }

    public boolean isSingleAddress() {
        return bits == address.bitLength();
    }

    static IpAddress mask(IpAddress a, int bits) {
        long[] host = hostMask(a.v6(), bits);
        return new IpAddress(a.v6(), a.hi() & ~host[0], a.lo() & ~host[1]);
    }

    static IpAddress lastAddress(IpAddress first, int bits) {
        long[] host = hostMask(first.v6(), bits);
        return new IpAddress(first.v6(), first.hi() | host[0], first.lo() | host[1]);
    }

    /** The host-part mask {hi, lo} of a prefix of this length. */
    static long[] hostMask(boolean v6, int bits) {
        int hostBits = (v6 ? 128 : 32) - bits;
        return lowBits(hostBits);
    }

    /** {hi, lo} with the lowest {@code count} bits set. */
    static long[] lowBits(int count) {
        if (count >= 128) {
            return new long[] {-1L, -1L};
        }
        if (count >= 64) {
            return new long[] {count == 64 ? 0 : (1L << (count - 64)) - 1, -1L};
        }
        return new long[] {0, count == 0 ? 0 : (1L << count) - 1};
    }

    @Override
    public int compareTo(IpPrefix other) {
        int c = address.compareTo(other.address);
        return c != 0 ? c : Integer.compare(bits, other.bits);
    }

    @Override
    public String toString() {
        return address + "/" + bits;
    }
}
