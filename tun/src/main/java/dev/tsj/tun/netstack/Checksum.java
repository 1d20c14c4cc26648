package dev.tsj.tun.netstack;

import io.netty.buffer.ByteBuf;

/**
 * The Internet checksum (RFC 1071) and the TCP/UDP/ICMPv6 pseudo-headers (RFC 9293,
 * RFC 768, RFC 8200 section 8.1). Sums are accumulated in 32-bit words in a long and
 * folded at the end: 2^16 is 1 modulo 0xffff, so adding whole 32-bit big-endian words
 * gives the same one's-complement sum as adding their 16-bit halves, at half the cost.
 */
final class Checksum {
    private Checksum() {}

    /** Adds {@code len} bytes at {@code index} to {@code acc}; only the last piece of a sum may have odd length. */
    static long add(ByteBuf b, int index, int len, long acc) {
        int i = index;
        int end = index + len;
        while (end - i >= 8) {
            long v = b.getLong(i);
            acc += (v >>> 32) + (v & 0xffff_ffffL);
            i += 8;
        }
        if (end - i >= 4) {
            acc += b.getUnsignedInt(i);
            i += 4;
        }
        if (end - i >= 2) {
            acc += b.getUnsignedShort(i);
            i += 2;
        }
        if (i < end) {
            acc += b.getUnsignedByte(i) << 8;
        }
        return acc;
    }

    static long addAddress(long hi, long lo, long acc) {
        if (IpAddress.isV4(hi, lo)) {
            return acc + (lo & 0xffff_ffffL);
        }
        return acc + (hi >>> 32) + (hi & 0xffff_ffffL) + (lo >>> 32) + (lo & 0xffff_ffffL);
    }

    /** The pseudo-header sum for a transport segment of {@code length} bytes. */
    static long pseudoHeader(long srcHi, long srcLo, long dstHi, long dstLo, int protocol, int length) {
        long acc = addAddress(srcHi, srcLo, 0);
        acc = addAddress(dstHi, dstLo, acc);
        return acc + protocol + length;
    }

    /** Folds a sum to 16 bits and complements it: the value to put in a header. */
    static int finish(long acc) {
        while ((acc >>> 16) != 0) {
            acc = (acc & 0xffff) + (acc >>> 16);
        }
        return (int) (~acc & 0xffff);
    }

    /** True when a received header or segment (checksum field included) sums correctly. */
    static boolean verifies(long acc) {
        return finish(acc) == 0;
    }
}
