package dev.tsj.tun.link;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * An IPv4 or IPv6 address with a prefix length, as in {@code 100.64.0.1/32} or
 * {@code 203.0.113.0/24}. The address keeps its host bits (an interface address needs them);
 * {@link #network()} clears them.
 */
public record IpPrefix(InetAddress address, int length) {
    public IpPrefix {
        int max = address instanceof Inet4Address ? 32 : 128;
        if (length < 0 || length > max) {
            throw new IllegalArgumentException("prefix length " + length + " is out of range for " + address.getHostAddress());
        }
    }

    /** Parses {@code ADDRESS/LENGTH}, or a bare address as a host prefix. Never resolves names. */
    public static IpPrefix parse(String text) {
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        InetAddress address;
        try {
            address = InetAddress.ofLiteral(addr);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or prefix");
        }
        int max = address instanceof Inet4Address ? 32 : 128;
        if (slash < 0) return new IpPrefix(address, max);
        try {
            return new IpPrefix(address, Integer.parseInt(text.substring(slash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no valid prefix length");
        }
    }

    public boolean isIpv6() {
        return !(address instanceof Inet4Address);
    }

    /** The same prefix with the host bits cleared. */
    public IpPrefix network() {
        byte[] b = address.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, length - 8 * i));
            b[i] &= (byte) (0xff << (8 - keep));
        }
        try {
            return new IpPrefix(InetAddress.getByAddress(b), length);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e); // 4 or 16 bytes: cannot happen
        }
    }

    /** True when the two prefixes share any address. */
    public boolean overlaps(IpPrefix other) {
        if (isIpv6() != other.isIpv6()) return false;
        int shorter = Math.min(length, other.length);
        return new IpPrefix(address, shorter).network().equals(new IpPrefix(other.address, shorter).network());
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + length;
    }
}
