package dev.tsj.tun.netstack;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/** Builds raw packets for tests and decodes the TCP segments a link carries. */
final class Packets {
    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false, true);

    private Packets() {}

    /** A decoded TCP segment as seen on a link. */
    record Seg(IpAddress src, int srcPort, IpAddress dst, int dstPort, int seq, int ack, int flags, int window,
               int payload, int mss, int wscale, boolean sackPermitted, int ipLength, boolean hasSack) {
        boolean has(int flag) {
            return (flags & flag) != 0;
        }

        boolean pureAck() {
            return flags == Spec.TH_ACK && payload == 0;
        }
    }

    /** Decodes {@code p} if it is a valid TCP segment, else null. */
    static Seg decode(ByteBuf p) {
        IpPacket ip = new IpPacket();
        if (IpParser.parse(p, p.readerIndex(), p.readableBytes(), ip) != null || ip.protocol != Spec.IPPROTO_TCP) return null;
        TcpSegment s = new TcpSegment();
        if (s.parse(ip) != null) return null;
        boolean sack = false;
        int optStart = ip.l4Index + Spec.TCP_MIN_HEADER_LEN;
        for (int i = optStart; i < s.payloadIndex; i++) {
            if (p.getUnsignedByte(i) == Spec.TCPOPT_SACK && i + 1 < s.payloadIndex && p.getUnsignedByte(i + 1) >= 10) sack = true;
        }
        return new Seg(ip.src(), s.srcPort, ip.dst(), s.dstPort, s.seq, s.ack, s.flags, s.window, s.payloadLength,
                s.mss, s.windowShift, s.sackPermitted, p.readableBytes(), sack);
    }

    /** Records every TCP segment crossing a link (without dropping anything). */
    static List<Seg> capture(SimLink link) {
        List<Seg> seen = new ArrayList<>();
        var previous = link.tap;
        link.tap = p -> {
            Seg s = decode(p);
            if (s != null) seen.add(s);
            return previous.test(p);
        };
        return seen;
    }

    /** A TCP segment with correct checksums (options must be a multiple of 4 bytes). */
    static ByteBuf tcp(IpAddress src, int sport, IpAddress dst, int dport, int seq, int ack, int flags, int window,
                       byte[] options, byte[] payload) {
        int hl = Spec.TCP_MIN_HEADER_LEN + options.length;
        ByteBuf b = IpWriter.begin(ALLOC, src.hi(), src.lo(), dst.hi(), dst.lo(), Spec.IPPROTO_TCP, hl + payload.length, 1);
        b.writeShort(sport).writeShort(dport).writeInt(seq).writeInt(ack);
        b.writeShort(((hl / 4) << 12) | flags).writeShort(window).writeShort(0).writeShort(0);
        b.writeBytes(options).writeBytes(payload);
        IpWriter.finishChecksum(b, src.hi(), src.lo(), dst.hi(), dst.lo(), Spec.IPPROTO_TCP, 16);
        return b;
    }

    static ByteBuf udp(IpAddress src, int sport, IpAddress dst, int dport, byte[] payload) {
        ByteBuf b = IpWriter.begin(ALLOC, src.hi(), src.lo(), dst.hi(), dst.lo(), Spec.IPPROTO_UDP, 8 + payload.length, 1);
        b.writeShort(sport).writeShort(dport).writeShort(8 + payload.length).writeShort(0).writeBytes(payload);
        IpWriter.finishChecksum(b, src.hi(), src.lo(), dst.hi(), dst.lo(), Spec.IPPROTO_UDP, 6);
        return b;
    }

    static ByteBuf of(int... bytes) {
        ByteBuf b = Unpooled.buffer(bytes.length);
        for (int v : bytes) b.writeByte(v);
        return b;
    }

    /** Hands {@code p} to {@code stack} (on the loop thread) and releases it. */
    static void inject(NetStack stack, ByteBuf p) {
        try {
            stack.receive(p, p.readerIndex(), p.readableBytes());
        } finally {
            p.release();
        }
    }
}
