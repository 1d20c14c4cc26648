package dev.tsj.tun.netstack;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Builds outgoing IPv4/IPv6 packets: the IP header first, then the caller's transport bytes. */
final class IpWriter {
    private IpWriter() {}

    static int headerLength(boolean v4) {
        return v4 ? Spec.IPV4_MIN_HEADER_LEN : Spec.IPV6_HEADER_LEN;
    }

    /**
     * Allocates a packet for {@code l4Length} transport bytes and writes its IP header;
     * the writer index is left at the start of the transport header. The caller owns the
     * buffer. The IPv4 identification is {@code ipId}: with DF set, RFC 6864 lets it be any value.
     */
    static ByteBuf begin(ByteBufAllocator alloc, long srcHi, long srcLo, long dstHi, long dstLo,
                         int protocol, int l4Length, int ipId) {
        boolean v4 = IpAddress.isV4(srcHi, srcLo);
        int total = headerLength(v4) + l4Length;
        // Heap buffers: checksums and copies into the device's buffers work on the array directly.
        ByteBuf b = alloc.heapBuffer(total, total);
        if (v4) {
            b.writeByte((Spec.IPV4_VERSION << 4) | (Spec.IPV4_MIN_HEADER_LEN / 4));
            b.writeByte(0);
            b.writeShort(total);
            b.writeShort(ipId);
            b.writeShort(Spec.IPV4_FLAG_DF);
            b.writeByte(Spec.IPV4_DEFAULT_TTL);
            b.writeByte(protocol);
            b.writeShort(0);
            b.writeInt((int) srcLo);
            b.writeInt((int) dstLo);
            b.setShort(10, Checksum.finish(Checksum.add(b, 0, Spec.IPV4_MIN_HEADER_LEN, 0)));
        } else {
            b.writeInt(Spec.IPV6_VERSION << 28);
            b.writeShort(l4Length);
            b.writeByte(protocol);
            b.writeByte(Spec.IPV6_DEFAULT_HOP_LIMIT);
            b.writeLong(srcHi);
            b.writeLong(srcLo);
            b.writeLong(dstHi);
            b.writeLong(dstLo);
        }
        return b;
    }

    /**
     * Fills in the transport checksum of a finished packet: over the pseudo-header for
     * TCP, UDP and ICMPv6, over the message alone for ICMPv4.
     */
    static void finishChecksum(ByteBuf b, long srcHi, long srcLo, long dstHi, long dstLo, int protocol, int checksumOffset) {
        boolean v4 = IpAddress.isV4(srcHi, srcLo);
        int l4Index = headerLength(v4);
        int l4Length = b.writerIndex() - l4Index;
        long acc = protocol == Spec.IPPROTO_ICMP ? 0 : Checksum.pseudoHeader(srcHi, srcLo, dstHi, dstLo, protocol, l4Length);
        b.setShort(l4Index + checksumOffset, 0);
        int sum = Checksum.finish(Checksum.add(b, l4Index, l4Length, acc));
        // RFC 768: a computed UDP checksum of zero is sent as all ones (zero means "none").
        if (sum == 0 && protocol == Spec.IPPROTO_UDP) sum = 0xffff;
        b.setShort(l4Index + checksumOffset, sum);
    }
}
