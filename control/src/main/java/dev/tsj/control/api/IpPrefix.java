package dev.tsj.control.api;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * An IP prefix such as {@code 100.64.0.1/32} or {@code 10.0.0.0/16}. Parsed from IP
 * literals only (never a DNS lookup), and canonical: host bits must be zero, so two equal
 * prefixes always have equal text.
 */
public record IpPrefix(InetAddress address, int bits) {
    public IpPrefix {
        int max = maxBits(address);
        if (bits < 0 || bits > max) {
            throw new IllegalArgumentException("prefix length " + bits + " out of range 0-" + max);
        }
        byte[] a = address.getAddress();
        for (int i = 0; i < a.length * 8; i++) {
            if (i >= bits && (a[i / 8] & (0x80 >>> (i % 8))) != 0) {
                throw new IllegalArgumentException(IpText.of(address) + "/" + bits + " has host bits set; did you mean "
                        + IpText.of(masked(a, bits)) + "/" + bits + "?");
            }
        }
    }

    private static InetAddress masked(byte[] a, int bits) {
        byte[] m = a.clone();
        for (int i = bits; i < m.length * 8; i++) {
            m[i / 8] &= (byte) ~(0x80 >>> (i % 8));
        }
        try {
            return InetAddress.getByAddress(m);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** The single-address prefix of {@code address} (/32 or /128). */
    public static IpPrefix host(InetAddress address) {
        return new IpPrefix(address, maxBits(address));
    }

    /** Parses {@code ADDR/BITS}; a bare address means a host prefix. */
    public static IpPrefix parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        InetAddress addr = IpLiterals.parseAddress(slash < 0 ? s : s.substring(0, slash));
        if (slash < 0) {
            return host(addr);
        }
        int bits;
        try {
            bits = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid prefix length in \"" + text + "\"");
        }
        return new IpPrefix(addr, bits);
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /** True when this prefix holds {@code ip}. */
    public boolean contains(InetAddress ip) {
        if (maxBits(ip) != maxBits(address)) {
            return false;
        }
        byte[] a = address.getAddress();
        byte[] b = ip.getAddress();
        for (int i = 0; i < bits; i++) {
            int m = 0x80 >>> (i % 8);
            if ((a[i / 8] & m) != (b[i / 8] & m)) {
                return false;
            }
        }
        return true;
    }

    private static int maxBits(InetAddress a) {
        return a instanceof Inet4Address ? 32 : 128;
    }

    @Override
    public String toString() {
        return IpText.of(address) + "/" + bits;
    }
}
