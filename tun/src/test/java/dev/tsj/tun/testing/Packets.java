package dev.tsj.tun.testing;

import dev.tsj.tun.offload.IpHeaders;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Builds valid IPv4/IPv6 TCP and UDP packets for tests, checksummed with {@link ReferenceChecksum}. */
public final class Packets {
    private Packets() {}

    public static final byte[] V4_SRC = {100, 64, 0, 1};
    public static final byte[] V4_DST = {100, 64, 0, 2};
    public static final byte[] V6_SRC = addr6(1);
    public static final byte[] V6_DST = addr6(2);

    public static byte[] addr6(int last) {
        byte[] a = new byte[16];
        a[0] = (byte) 0xfd; a[1] = 0x7a; a[2] = 0x11; a[3] = 0x5c; a[4] = (byte) 0xa1; a[5] = (byte) 0xe0;
        a[15] = (byte) last;
        return a;
    }

    /** Fields of a TCP segment; change what a test needs, then {@link #build}. */
    public static final class Tcp {
        public boolean v6;
        public int id = 1000;
        public int ttl = 64;
        public int tos;
        public boolean df = true;
        public int srcPort = 40000;
        public int dstPort = 5201;
        public int seq = 1;
        public int ack = 77;
        public int flags = IpHeaders.TCP_ACK_FLAG;
        public int window = 501;
        public byte[] options = new byte[0];
        public byte[] payload = new byte[0];
        public boolean corruptChecksum;
        /** Addresses; null means the family's defaults ({@link #V4_SRC} etc.). */
        public byte[] src;
        public byte[] dst;

        public Tcp v6() { v6 = true; return this; }
        public Tcp seq(int s) { seq = s; return this; }
        public Tcp flags(int f) { flags = f; return this; }
        public Tcp payload(byte[] p) { payload = p; return this; }
        public Tcp timestamps(int tsval, int tsecr) {
            options = new byte[] {1, 1, 8, 10, (byte) (tsval >>> 24), (byte) (tsval >>> 16), (byte) (tsval >>> 8),
                    (byte) tsval, (byte) (tsecr >>> 24), (byte) (tsecr >>> 16), (byte) (tsecr >>> 8), (byte) tsecr};
            return this;
        }

        public byte[] build() {
            int tcpLen = 20 + options.length;
            byte[] tcp = new byte[tcpLen + payload.length];
            put16(tcp, 0, srcPort);
            put16(tcp, 2, dstPort);
            put32(tcp, 4, seq);
            put32(tcp, 8, ack);
            tcp[12] = (byte) ((tcpLen / 4) << 4);
            tcp[13] = (byte) flags;
            put16(tcp, 14, window);
            System.arraycopy(options, 0, tcp, 20, options.length);
            System.arraycopy(payload, 0, tcp, tcpLen, payload.length);
            byte[] p = ip(v6, 6, tcp, id, ttl, tos, df, src, dst);
            int ipLen = v6 ? 40 : 20;
            int c = ReferenceChecksum.transport(p, ipLen, 6);
            if (corruptChecksum) c ^= 0x0101;
            put16(p, ipLen + 16, c);
            return p;
        }
    }

    public static byte[] udp(boolean v6, int srcPort, int dstPort, byte[] payload, int id) {
        byte[] udp = new byte[8 + payload.length];
        put16(udp, 0, srcPort);
        put16(udp, 2, dstPort);
        put16(udp, 4, udp.length);
        System.arraycopy(payload, 0, udp, 8, payload.length);
        byte[] p = ip(v6, 17, udp, id, 64, 0, true);
        int ipLen = v6 ? 40 : 20;
        put16(p, ipLen + 6, ReferenceChecksum.transport(p, ipLen, 17));
        return p;
    }

    public static byte[] ip(boolean v6, int protocol, byte[] transport, int id, int ttl, int tos, boolean df) {
        return ip(v6, protocol, transport, id, ttl, tos, df, null, null);
    }

    /** An IP packet around {@code transport}; the caller fills in the transport checksum. */
    public static byte[] ip(boolean v6, int protocol, byte[] transport, int id, int ttl, int tos, boolean df,
                            byte[] src, byte[] dst) {
        if (src == null) src = v6 ? V6_SRC : V4_SRC;
        if (dst == null) dst = v6 ? V6_DST : V4_DST;
        if (v6) {
            byte[] p = new byte[40 + transport.length];
            p[0] = 0x60;
            put16(p, 4, transport.length);
            p[6] = (byte) protocol;
            p[7] = (byte) ttl;
            System.arraycopy(src, 0, p, 8, 16);
            System.arraycopy(dst, 0, p, 24, 16);
            System.arraycopy(transport, 0, p, 40, transport.length);
            return p;
        }
        byte[] p = new byte[20 + transport.length];
        p[0] = 0x45;
        p[1] = (byte) tos;
        put16(p, 2, p.length);
        put16(p, 4, id);
        p[6] = (byte) (df ? 0x40 : 0);
        p[8] = (byte) ttl;
        p[9] = (byte) protocol;
        System.arraycopy(src, 0, p, 12, 4);
        System.arraycopy(dst, 0, p, 16, 4);
        put16(p, 10, ReferenceChecksum.ipv4Header(p));
        System.arraycopy(transport, 0, p, 20, transport.length);
        return p;
    }

    public static byte[] pattern(int len, int seed) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = (byte) (i * 31 + seed * 7 + (i >>> 8));
        return b;
    }

    public static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | b[at + 1] & 0xff;
    }

    public static int i32(byte[] b, int at) {
        return u16(b, at) << 16 | u16(b, at + 2);
    }

    public static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    public static void put32(byte[] b, int at, int v) {
        put16(b, at, v >>> 16);
        put16(b, at + 2, v);
    }

    /** Direct buffers of {@code size} bytes, as a daemon's pool would hand out. */
    public static ByteBuffer[] buffers(int n, int size) {
        ByteBuffer[] bufs = new ByteBuffer[n];
        for (int i = 0; i < n; i++) bufs[i] = ByteBuffer.allocateDirect(size);
        return bufs;
    }

    public static byte[] bytes(ByteBuffer b, int at, int len) {
        byte[] out = new byte[len];
        b.get(at, out);
        return out;
    }

    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    public static byte[] slice(byte[] b, int from, int to) {
        return Arrays.copyOfRange(b, from, to);
    }
}
