package dev.tsj.tun.testing;

/**
 * A deliberately plain RFC 1071 checksum over byte arrays, independent of the production
 * {@code dev.tsj.tun.offload.InternetChecksum}: tests check one against the other's output.
 */
public final class ReferenceChecksum {
    private ReferenceChecksum() {}

    /** 16-bit ones' complement sum of the big-endian words of b[from, from+len). */
    public static int onesSum(byte[] b, int from, int len, int initial) {
        int sum = initial;
        for (int i = 0; i < len; i += 2) {
            int hi = b[from + i] & 0xff;
            int lo = i + 1 < len ? b[from + i + 1] & 0xff : 0;
            sum += hi << 8 | lo;
            while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
        }
        return sum;
    }

    /** The checksum of an IPv4 header (the field itself taken as zero). */
    public static int ipv4Header(byte[] p) {
        byte[] h = java.util.Arrays.copyOf(p, (p[0] & 0xf) * 4);
        h[10] = h[11] = 0;
        return ~onesSum(h, 0, h.length, 0) & 0xffff;
    }

    /** Pseudo-header sum for the packet's addresses, the protocol and the transport length. */
    public static int pseudo(byte[] p, int protocol, int transportLen) {
        boolean v6 = (p[0] & 0xff) >>> 4 == 6;
        int src = v6 ? 8 : 12;
        int addrs = v6 ? 32 : 8;
        int sum = onesSum(p, src, addrs, 0);
        sum = onesSum(new byte[] {0, (byte) protocol}, 0, 2, sum);
        sum = onesSum(new byte[] {(byte) (transportLen >>> 24), (byte) (transportLen >>> 16),
                (byte) (transportLen >>> 8), (byte) transportLen}, 0, 4, sum);
        return sum;
    }

    /** The transport checksum the packet should carry (its own checksum field taken as zero). */
    public static int transport(byte[] p, int ipLen, int protocol) {
        byte[] t = java.util.Arrays.copyOfRange(p, ipLen, p.length);
        int field = protocol == 6 ? 16 : 6;
        t[field] = t[field + 1] = 0;
        int c = ~onesSum(t, 0, t.length, pseudo(p, protocol, t.length)) & 0xffff;
        return c == 0 && protocol == 17 ? 0xffff : c;
    }

    public static boolean ipv4HeaderValid(byte[] p) {
        return onesSum(p, 0, (p[0] & 0xf) * 4, 0) == 0xffff;
    }

    public static boolean transportValid(byte[] p, int ipLen, int protocol) {
        return onesSum(p, ipLen, p.length - ipLen, pseudo(p, protocol, p.length - ipLen)) == 0xffff;
    }
}
