package dev.tsj.tun.netstack;

import io.netty.buffer.ByteBuf;

/**
 * The IP layer's view of one received packet: a reusable flyweight the parser fills
 * in place (one per stack), so reading a packet allocates nothing.
 */
final class IpPacket {
    ByteBuf buf;
    int version;
    /** Index of the IP header in {@link #buf}. */
    int ipIndex;
    /** Index and length of the transport payload (after IPv4 options or IPv6 extension headers). */
    int l4Index;
    int l4Length;
    int protocol;
    long srcHi, srcLo, dstHi, dstLo;

    boolean isV4() {
        return version == Spec.IPV4_VERSION;
    }

    /** The pseudo-header sum (RFC 9293 / RFC 8200 section 8.1) for this packet's transport payload. */
    long pseudoHeaderSum() {
        return Checksum.pseudoHeader(srcHi, srcLo, dstHi, dstLo, protocol, l4Length);
    }

    IpAddress src() {
        return new IpAddress(srcHi, srcLo);
    }

    IpAddress dst() {
        return new IpAddress(dstHi, dstLo);
    }
}
