package dev.tsj.tun.offload;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of
 * 16-bit big-endian words. Sums are kept unfolded in a {@code long} so that several ranges
 * (a pseudo-header, then a segment) can be added before one final fold; because 2^16-1
 * divides 2^64-1, folding at the end gives the same result as 16-bit arithmetic.
 */
public final class InternetChecksum {
    private InternetChecksum() {}

    /**
     * Adds the bytes {@code [at, at+len)} of {@code b}, taken as big-endian 16-bit words (an odd
     * last byte is padded with zero), to {@code sum}. {@code at} must be at an even distance
     * from the start of what is being checksummed.
     */
    public static long add(long sum, ByteBuffer b, int at, int len) {
        boolean swap = b.order() == ByteOrder.LITTLE_ENDIAN;
        int end = at + len;
        int i = at;
        // Sixteen bytes per step into two accumulators (independent add chains run in parallel),
        // each 32-bit half added on its own so no long can overflow for any packet-sized input.
        long hi = 0;
        long lo = 0;
        for (; i + 16 <= end; i += 16) {
            long v = b.getLong(i);
            long w = b.getLong(i + 8);
            if (swap) {
                v = Long.reverseBytes(v);
                w = Long.reverseBytes(w);
            }
            hi += (v >>> 32) + (w >>> 32);
            lo += (v & 0xffffffffL) + (w & 0xffffffffL);
        }
        for (; i + 8 <= end; i += 8) {
            long v = b.getLong(i);
            if (swap) v = Long.reverseBytes(v);
            hi += v >>> 32;
            lo += v & 0xffffffffL;
        }
        sum += fold32(hi) + fold32(lo);
        for (; i + 2 <= end; i += 2) {
            sum += IpHeaders.u16(b, i);
        }
        if (i < end) {
            sum += (b.get(i) & 0xff) << 8;
        }
        return sum;
    }

    /**
     * The pseudo-header sum of TCP/UDP over IPv4 (RFC 9293 3.1) or IPv6 (RFC 8200 8.1):
     * source and destination addresses (taken from the IP header at {@code ip}), protocol
     * and the transport length.
     */
    public static long pseudoHeader(ByteBuffer b, int ip, boolean ipv6, int protocol, int transportLength) {
        int src = ip + IpHeaders.srcAddrOffset(ipv6);
        long sum = add(0, b, src, 2 * IpHeaders.addrLength(ipv6));
        return sum + protocol + transportLength;
    }

    /** Folds a sum of 32-bit words to below 2^33, so that a few of them can be added safely. */
    private static long fold32(long sum) {
        return (sum & 0xffffffffL) + (sum >>> 32);
    }

    /** Folds an unfolded sum to 16 bits (end-around carry), without complementing. */
    public static int fold(long sum) {
        sum = (sum & 0xffffffffL) + (sum >>> 32);
        sum = (sum & 0xffffffffL) + (sum >>> 32);
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        return (int) sum;
    }

    /** The checksum to store in a header: the complement of the folded sum. */
    public static int finish(long sum) {
        return ~fold(sum) & 0xffff;
    }

    /**
     * Like {@link #finish} but never 0: UDP reserves a zero checksum for "none" (RFC 768),
     * so a computed 0 is sent as 0xffff, its ones' complement twin. TCP receivers accept either.
     */
    public static int finishNonZero(long sum) {
        int c = finish(sum);
        return c == 0 ? 0xffff : c;
    }

    /** True when the bytes, including their stored checksum, sum to all ones. */
    public static boolean verifies(long sum) {
        return fold(sum) == 0xffff;
    }
}
