package dev.tsj.tun.netstack;

import io.netty.buffer.ByteBuf;

/**
 * Validates an IPv4 (RFC 791) or IPv6 (RFC 8200) header and locates the transport
 * payload. Returns the reason to drop, or null to accept; never throws on bad input.
 */
final class IpParser {
    private IpParser() {}

    static Counter parse(ByteBuf buf, int index, int length, IpPacket out) {
        if (length < 1) return Counter.IN_MALFORMED;
        out.buf = buf;
        out.ipIndex = index;
        int version = buf.getUnsignedByte(index) >>> 4;
        out.version = version;
        return switch (version) {
            case Spec.IPV4_VERSION -> parseV4(buf, index, length, out);
            case Spec.IPV6_VERSION -> parseV6(buf, index, length, out);
            default -> Counter.IN_MALFORMED;
        };
    }

    private static Counter parseV4(ByteBuf buf, int index, int length, IpPacket out) {
        if (length < Spec.IPV4_MIN_HEADER_LEN) return Counter.IN_MALFORMED;
        int ihl = (buf.getUnsignedByte(index) & 0x0f) * 4;
        int total = buf.getUnsignedShort(index + 2);
        if (ihl < Spec.IPV4_MIN_HEADER_LEN || total < ihl || total > length) return Counter.IN_MALFORMED;
        if (!Checksum.verifies(Checksum.add(buf, index, ihl, 0))) return Counter.IN_BAD_CHECKSUM;
        int fragment = buf.getUnsignedShort(index + 6);
        if ((fragment & (Spec.IPV4_FLAG_MF | Spec.IPV4_FRAG_OFFSET_MASK)) != 0) {
            return Counter.IN_FRAGMENT_UNSUPPORTED;
        }
        out.protocol = buf.getUnsignedByte(index + 9);
        out.srcHi = 0;
        out.srcLo = IpAddress.mappedV4(buf.getInt(index + 12));
        out.dstHi = 0;
        out.dstLo = IpAddress.mappedV4(buf.getInt(index + 16));
        out.l4Index = index + ihl;
        out.l4Length = total - ihl;
        return null;
    }

    private static Counter parseV6(ByteBuf buf, int index, int length, IpPacket out) {
        if (length < Spec.IPV6_HEADER_LEN) return Counter.IN_MALFORMED;
        int payloadLength = buf.getUnsignedShort(index + 4);
        // A zero payload length means a jumbogram (RFC 2675), which no tunnel MTU carries.
        if (payloadLength == 0 || Spec.IPV6_HEADER_LEN + payloadLength > length) return Counter.IN_MALFORMED;
        out.srcHi = buf.getLong(index + 8);
        out.srcLo = buf.getLong(index + 16);
        out.dstHi = buf.getLong(index + 24);
        out.dstLo = buf.getLong(index + 32);
        // IPv4-mapped addresses never appear on the wire; the stack uses them for IPv4.
        if (IpAddress.isV4(out.srcHi, out.srcLo) || IpAddress.isV4(out.dstHi, out.dstLo)) return Counter.IN_MARTIAN;
        int next = buf.getUnsignedByte(index + 6);
        int at = index + Spec.IPV6_HEADER_LEN;
        int end = at + payloadLength;
        while (true) {
            switch (next) {
                case Spec.IPPROTO_HOPOPTS, Spec.IPPROTO_ROUTING, Spec.IPPROTO_DSTOPTS -> {
                    if (end - at < 8) return Counter.IN_MALFORMED;
                    int len = (buf.getUnsignedByte(at + 1) + 1) * 8;
                    if (end - at < len) return Counter.IN_MALFORMED;
                    next = buf.getUnsignedByte(at);
                    at += len;
                }
                case Spec.IPPROTO_AH -> {
                    if (end - at < 8) return Counter.IN_MALFORMED;
                    int len = (buf.getUnsignedByte(at + 1) + 2) * 4;
                    if (end - at < len) return Counter.IN_MALFORMED;
                    next = buf.getUnsignedByte(at);
                    at += len;
                }
                case Spec.IPPROTO_FRAGMENT -> {
                    return Counter.IN_FRAGMENT_UNSUPPORTED;
                }
                case Spec.IPPROTO_NONE -> {
                    return Counter.IN_UNSUPPORTED_PROTOCOL;
                }
                default -> {
                    out.protocol = next;
                    out.l4Index = at;
                    out.l4Length = end - at;
                    return null;
                }
            }
        }
    }
}
