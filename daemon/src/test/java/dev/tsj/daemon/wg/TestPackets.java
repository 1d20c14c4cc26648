package dev.tsj.daemon.wg;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * Builds IP/UDP test packets that carry (flow, sequence) in their payload, so a receiver
 * can tell loss and reordering per flow. Addresses come from the tailnet ranges.
 */
final class TestPackets {
    private TestPackets() {}

    static byte[] udp(InetAddress src, InetAddress dst, int flow, long seq, int totalSize) {
        boolean v6 = src.getAddress().length == 16;
        int ipHeader = v6 ? 40 : 20;
        int size = Math.max(totalSize, ipHeader + 8 + 12);
        ByteBuffer b = ByteBuffer.allocate(size);
        if (v6) {
            b.put(0, (byte) 0x60);
            b.putShort(4, (short) (size - 40));
            b.put(6, (byte) 17);
            b.put(7, (byte) 64);
            b.put(8, src.getAddress());
            b.put(24, dst.getAddress());
        } else {
            b.put(0, (byte) 0x45);
            b.putShort(2, (short) size);
            b.put(8, (byte) 64);
            b.put(9, (byte) 17);
            b.put(12, src.getAddress());
            b.put(16, dst.getAddress());
            b.putShort(10, (short) ipv4Checksum(b.array()));
        }
        b.putShort(ipHeader, (short) (10000 + flow));
        b.putShort(ipHeader + 2, (short) 9);
        b.putShort(ipHeader + 4, (short) (size - ipHeader));
        b.putInt(ipHeader + 8, flow);
        b.putLong(ipHeader + 12, seq);
        for (int i = ipHeader + 20; i < size; i++) {
            b.put(i, (byte) (seq + i));
        }
        return b.array();
    }

    static int flow(byte[] p) {
        return ByteBuffer.wrap(p).getInt(header(p) + 8);
    }

    static long seq(byte[] p) {
        return ByteBuffer.wrap(p).getLong(header(p) + 12);
    }

    /** The payload bytes after (flow, seq) are what {@link #udp} put there. */
    static boolean intact(byte[] p) {
        int h = header(p);
        long seq = seq(p);
        for (int i = h + 20; i < p.length; i++) {
            if (p[i] != (byte) (seq + i)) {
                return false;
            }
        }
        return true;
    }

    private static int header(byte[] p) {
        return (p[0] >> 4) == 6 ? 40 : 20;
    }

    private static int ipv4Checksum(byte[] h) {
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((h[i] & 0xff) << 8) | (h[i + 1] & 0xff);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return ~sum & 0xffff;
    }

    static InetAddress ip(String s) {
        return Prefix.parseAddress(s);
    }
}
