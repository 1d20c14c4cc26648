package dev.tsj.daemon.wg;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 prefix ("100.64.0.0/10", "fd7a:115c:a1e0::/48"), immutable. Addresses
 * are held as two longs (IPv4 in the top 32 bits of {@code hi}) so the trie and packet
 * code never allocate.
 */
public record Prefix(boolean ipv6, long hi, long lo, int bits) implements Comparable<Prefix> {

    public Prefix {
        int max = ipv6 ? 128 : 32;
        if (bits < 0 || bits > max) {
            throw new IllegalArgumentException("prefix length " + bits + " out of range 0-" + max);
        }
    }

    /** Parses "ADDR/BITS" or a bare address (a host prefix), masking host bits. */
    public static Prefix parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        InetAddress a = parseAddress(addr);
        int max = a instanceof Inet6Address ? 128 : 32;
        int bits;
        if (slash < 0) {
            bits = max;
        } else {
            try {
                bits = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid prefix length in \"" + text + "\"");
            }
            if (bits < 0 || bits > max) {
                throw new IllegalArgumentException("invalid prefix length in \"" + text + "\": must be 0-" + max);
            }
        }
        return of(a, bits).masked();
    }

    /** Parses like {@link #parse} but refuses host bits set, naming the canonical form. */
    public static Prefix parseCanonical(String text) {
        Prefix raw = parseUnmasked(text);
        Prefix canonical = raw.masked();
        if (!raw.equals(canonical)) {
            throw new IllegalArgumentException("\"" + text.strip() + "\" has host bits set; did you mean " + canonical + "?");
        }
        return raw;
    }

    private static Prefix parseUnmasked(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("\"" + s + "\" is not a prefix (ADDR/BITS)");
        }
        Prefix p = parse(s.substring(0, slash));
        int bits;
        try {
            bits = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid prefix length in \"" + text + "\"");
        }
        return new Prefix(p.ipv6, p.hi, p.lo, bits);
    }

    public static InetAddress parseAddress(String addr) {
        String a = addr.strip();
        if (a.startsWith("[") && a.endsWith("]")) {
            a = a.substring(1, a.length() - 1);
        }
        // Only literal addresses: InetAddress.getByName would resolve names over DNS.
        boolean v4 = a.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = a.indexOf(':') >= 0 && a.matches("[0-9a-fA-F:.]+");
        if (!v4 && !v6) {
            throw new IllegalArgumentException("invalid IP address \"" + addr + "\"");
        }
        try {
            if (v4) {
                for (String part : a.split("\\.")) {
                    if (Integer.parseInt(part) > 255) {
                        throw new IllegalArgumentException("invalid IP address \"" + addr + "\"");
                    }
                }
            }
            return InetAddress.getByName(a);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("invalid IP address \"" + addr + "\"");
        }
    }

    public static Prefix of(InetAddress a, int bits) {
        byte[] b = a.getAddress();
        if (b.length == 4) {
            long v = ((long) (b[0] & 0xff) << 56) | ((long) (b[1] & 0xff) << 48) | ((long) (b[2] & 0xff) << 40) | ((long) (b[3] & 0xff) << 32);
            return new Prefix(false, v, 0, bits);
        }
        return new Prefix(true, readLong(b, 0), readLong(b, 8), bits);
    }

    public static Prefix host(InetAddress a) {
        return of(a, a instanceof Inet4Address ? 32 : 128);
    }

    static long readLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    public int maxBits() {
        return ipv6 ? 128 : 32;
    }

    /** The same prefix with host bits cleared. */
    public Prefix masked() {
        return new Prefix(ipv6, hi & maskHi(bits), lo & maskLo(bits), bits);
    }

    static long maskHi(int bits) {
        return bits >= 64 ? -1L : bits == 0 ? 0 : -1L << (64 - bits);
    }

    static long maskLo(int bits) {
        return bits <= 64 ? 0 : bits >= 128 ? -1L : -1L << (128 - bits);
    }

    public boolean contains(boolean v6, long addrHi, long addrLo) {
        return v6 == ipv6 && (addrHi & maskHi(bits)) == hi && (addrLo & maskLo(bits)) == lo;
    }

    public boolean contains(InetAddress a) {
        Prefix h = host(a);
        return contains(h.ipv6, h.hi, h.lo);
    }

    /** True if the two prefixes share any address. */
    public boolean overlaps(Prefix o) {
        if (o.ipv6 != ipv6) {
            return false;
        }
        int b = Math.min(bits, o.bits);
        return (hi & maskHi(b)) == (o.hi & maskHi(b)) && (lo & maskLo(b)) == (o.lo & maskLo(b));
    }

    public InetAddress address() {
        byte[] b = new byte[ipv6 ? 16 : 4];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) ((i < 8 ? hi >>> (56 - 8 * i) : lo >>> (56 - 8 * (i - 8))));
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    public boolean isHost() {
        return bits == maxBits();
    }

    @Override
    public String toString() {
        String a = address().getHostAddress();
        if (ipv6) {
            a = Ipv6Text.compress(address());
        }
        return a + "/" + bits;
    }

    @Override
    public int compareTo(Prefix o) {
        int c = Boolean.compare(ipv6, o.ipv6);
        if (c == 0) c = Long.compareUnsigned(hi, o.hi);
        if (c == 0) c = Long.compareUnsigned(lo, o.lo);
        if (c == 0) c = Integer.compare(bits, o.bits);
        return c;
    }
}
