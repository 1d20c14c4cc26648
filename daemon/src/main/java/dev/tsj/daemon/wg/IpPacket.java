package dev.tsj.daemon.wg;

import java.nio.ByteBuffer;

/**
 * Just enough IP header reading for cryptokey routing: version, lengths and addresses of
 * the packet at an absolute offset in a buffer, without allocating.
 */
public final class IpPacket {
    private IpPacket() {}

    public static final int IPV4_HEADER_MIN = 20;
    public static final int IPV6_HEADER = 40;

    /** 4, 6, or 0 when the buffer does not start a plausible IP packet. */
    public static int version(ByteBuffer b, int off, int len) {
        if (len < 1) {
            return 0;
        }
        int v = (b.get(off) & 0xff) >>> 4;
        if (v == 4 && len >= IPV4_HEADER_MIN) {
            return 4;
        }
        if (v == 6 && len >= IPV6_HEADER) {
            return 6;
        }
        return 0;
    }

    /**
     * The length the IP header claims, or -1 when it exceeds {@code len} (truncated or
     * garbage). Decrypted packets carry padding after this length.
     */
    public static int totalLength(ByteBuffer b, int off, int len) {
        int v = version(b, off, len);
        int total;
        if (v == 4) {
            total = b.getShort(off + 2) & 0xffff;
            int ihl = (b.get(off) & 0x0f) * 4;
            if (ihl < IPV4_HEADER_MIN || total < ihl) {
                return -1;
            }
        } else if (v == 6) {
            total = IPV6_HEADER + (b.getShort(off + 4) & 0xffff);
        } else {
            return -1;
        }
        return total <= len ? total : -1;
    }

    public static int src4(ByteBuffer b, int off) {
        return b.getInt(off + 12);
    }

    public static int dst4(ByteBuffer b, int off) {
        return b.getInt(off + 16);
    }

    public static long src6Hi(ByteBuffer b, int off) {
        return b.getLong(off + 8);
    }

    public static long src6Lo(ByteBuffer b, int off) {
        return b.getLong(off + 16);
    }

    public static long dst6Hi(ByteBuffer b, int off) {
        return b.getLong(off + 24);
    }

    public static long dst6Lo(ByteBuffer b, int off) {
        return b.getLong(off + 32);
    }
}
