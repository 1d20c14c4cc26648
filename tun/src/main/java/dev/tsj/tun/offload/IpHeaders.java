package dev.tsj.tun.offload;

import java.nio.ByteBuffer;

/**
 * Field offsets and values of the IPv4 (RFC 791), IPv6 (RFC 8200), TCP (RFC 9293) and UDP
 * (RFC 768) headers, under their specs' names, and big-endian field access that ignores
 * the buffer's own byte order (callers own their buffers and may have set either).
 */
public final class IpHeaders {
    private IpHeaders() {}

    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;

    // IPv4
    public static final int IPV4_MIN_HEADER_LEN = 20;
    public static final int IPV4_TOS = 1;
    public static final int IPV4_TOTAL_LENGTH = 2;
    public static final int IPV4_IDENTIFICATION = 4;
    /** Flags (3 bits: reserved, DF, MF) and the 13-bit fragment offset. */
    public static final int IPV4_FLAGS_FRAGMENT = 6;
    public static final int IPV4_TTL = 8;
    public static final int IPV4_PROTOCOL = 9;
    public static final int IPV4_HEADER_CHECKSUM = 10;
    public static final int IPV4_SRC = 12;
    public static final int IPV4_DST = 16;
    public static final int IPV4_ADDR_LEN = 4;
    public static final int IPV4_FLAG_MF = 0x2000;
    public static final int IPV4_FRAGMENT_OFFSET_MASK = 0x1fff;

    // IPv6
    public static final int IPV6_HEADER_LEN = 40;
    public static final int IPV6_PAYLOAD_LENGTH = 4;
    public static final int IPV6_NEXT_HEADER = 6;
    public static final int IPV6_HOP_LIMIT = 7;
    public static final int IPV6_SRC = 8;
    public static final int IPV6_DST = 24;
    public static final int IPV6_ADDR_LEN = 16;

    /** An IP packet's total length never exceeds this (IPv4 total length, IPv6 payload length are 16 bits). */
    public static final int MAX_IP_PACKET = 65535;

    // TCP
    public static final int TCP_MIN_HEADER_LEN = 20;
    public static final int TCP_MAX_HEADER_LEN = 60;
    public static final int TCP_SEQ = 4;
    public static final int TCP_ACK = 8;
    /** Data offset (high nibble, in 32-bit words) and reserved bits. */
    public static final int TCP_DATA_OFFSET = 12;
    public static final int TCP_FLAGS = 13;
    public static final int TCP_WINDOW = 14;
    public static final int TCP_CHECKSUM = 16;
    public static final int TCP_FIN = 0x01;
    public static final int TCP_SYN = 0x02;
    public static final int TCP_RST = 0x04;
    public static final int TCP_PSH = 0x08;
    public static final int TCP_ACK_FLAG = 0x10;
    public static final int TCP_URG = 0x20;
    public static final int TCP_ECE = 0x40;
    public static final int TCP_CWR = 0x80;

    // UDP
    public static final int UDP_HEADER_LEN = 8;
    public static final int UDP_LENGTH = 4;
    public static final int UDP_CHECKSUM = 6;

    public static int u8(ByteBuffer b, int at) {
        return b.get(at) & 0xff;
    }

    public static int u16(ByteBuffer b, int at) {
        return (b.get(at) & 0xff) << 8 | b.get(at + 1) & 0xff;
    }

    public static int i32(ByteBuffer b, int at) {
        return u16(b, at) << 16 | u16(b, at + 2);
    }

    public static void putU16(ByteBuffer b, int at, int v) {
        b.put(at, (byte) (v >>> 8));
        b.put(at + 1, (byte) v);
    }

    public static void putI32(ByteBuffer b, int at, int v) {
        putU16(b, at, v >>> 16);
        putU16(b, at + 2, v);
    }

    /** The IP version nibble of the packet starting at {@code at}. */
    public static int version(ByteBuffer b, int at) {
        return u8(b, at) >>> 4;
    }

    /** The IPv4 header length in bytes (IHL * 4). */
    public static int ipv4HeaderLength(ByteBuffer b, int at) {
        return (u8(b, at) & 0x0f) * 4;
    }

    /** The TCP header length in bytes (data offset * 4) of the TCP header at {@code tcp}. */
    public static int tcpHeaderLength(ByteBuffer b, int tcp) {
        return (u8(b, tcp + TCP_DATA_OFFSET) >>> 4) * 4;
    }

    /** Offset of the source address within an IP header of this version; destination follows it. */
    public static int srcAddrOffset(boolean ipv6) {
        return ipv6 ? IPV6_SRC : IPV4_SRC;
    }

    public static int addrLength(boolean ipv6) {
        return ipv6 ? IPV6_ADDR_LEN : IPV4_ADDR_LEN;
    }
}
