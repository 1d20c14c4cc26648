package dev.tsj.tun.netstack;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address as two longs, so that the packet path can compare addresses
 * read straight from a header without allocating. IPv4 addresses live in the IPv4-mapped
 * range {@code ::ffff:0:0/96} (RFC 4291 section 2.5.5.2); such addresses never appear
 * in a real IPv6 header, so the mapping is unambiguous for the stack.
 */
public record IpAddress(long hi, long lo) implements Comparable<IpAddress> {

    private static final long V4_MAPPED_MARK = 0x0000_ffff_0000_0000L;

    public static IpAddress ofV4(int address) {
        return new IpAddress(0, mappedV4(address));
    }

    /** The low word of the IPv4-mapped form of {@code address} (the high word is 0). */
    static long mappedV4(int address) {
        return V4_MAPPED_MARK | (address & 0xffff_ffffL);
    }

    public static IpAddress of(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return ofV4(((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff));
        }
        return new IpAddress(bytesToLong(b, 0), bytesToLong(b, 8));
    }

    /** Parses a literal ("100.64.0.1", "fd7a:115c:a1e0::1"); never resolves a name. */
    public static IpAddress parse(String literal) {
        if (literal.isEmpty() || !(Character.digit(literal.charAt(0), 16) >= 0 || literal.charAt(0) == ':')
                || literal.chars().anyMatch(c -> !(Character.digit(c, 16) >= 0 || c == '.' || c == ':'))) {
            throw new IllegalArgumentException("not an IP address literal: " + literal);
        }
        try {
            return of(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address literal: " + literal, e);
        }
    }

    static boolean isV4(long hi, long lo) {
        return hi == 0 && (lo & 0xffff_ffff_0000_0000L) == V4_MAPPED_MARK;
    }

    public boolean isV4() {
        return isV4(hi, lo);
    }

    /** The IPv4 address as an int; only meaningful when {@link #isV4()}. */
    public int v4() {
        return (int) lo;
    }

    public InetAddress toInetAddress() {
        try {
            if (isV4()) {
                int v = v4();
                return Inet4Address.getByAddress(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
            }
            byte[] b = new byte[16];
            longToBytes(hi, b, 0);
            longToBytes(lo, b, 8);
            return Inet6Address.getByAddress(null, b, -1);
        } catch (UnknownHostException e) {
            throw new AssertionError("fixed-length address rejected", e);
        }
    }

    /** True for addresses a packet may never come from or go to (multicast, broadcast, unspecified). */
    static boolean isMartian(long hi, long lo) {
        if (isV4(hi, lo)) {
            int v = (int) lo;
            int first = v >>> 24;
            return v == 0 || v == -1 || (first >= 224 && first <= 239);
        }
        return (hi == 0 && lo == 0) || (hi >>> 56) == 0xff;
    }

    @Override
    public int compareTo(IpAddress o) {
        int c = Long.compareUnsigned(hi, o.hi);
        return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
    }

    @Override
    public String toString() {
        if (isV4()) {
            int v = v4();
            return (v >>> 24) + "." + ((v >>> 16) & 0xff) + "." + ((v >>> 8) & 0xff) + "." + (v & 0xff);
        }
        return formatV6();
    }

    /** RFC 5952 text form: lower case, the longest run (two or more) of zero groups as "::". */
    private String formatV6() {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            long word = i < 4 ? hi : lo;
            g[i] = (int) (word >>> (48 - 16 * (i % 4))) & 0xffff;
        }
        int bestStart = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    private static long bytesToLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    private static void longToBytes(long v, byte[] b, int off) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }
}
