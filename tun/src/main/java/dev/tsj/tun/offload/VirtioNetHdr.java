package dev.tsj.tun.offload;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 10-byte {@code struct virtio_net_hdr} (Linux include/uapi/linux/virtio_net.h) that
 * prefixes every packet on a TUN opened with {@code IFF_VNET_HDR}. Its 16-bit fields are in
 * the host's byte order (a TUN uses legacy virtio endianness unless told otherwise).
 * Accessors read and write a header in place, so nothing is allocated per packet.
 */
public final class VirtioNetHdr {
    private VirtioNetHdr() {}

    public static final int LEN = 10;

    /** csum_start/csum_offset describe a checksum the receiver must complete (CHECKSUM_PARTIAL). */
    public static final int VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;
    public static final int VIRTIO_NET_HDR_F_DATA_VALID = 2;

    public static final int VIRTIO_NET_HDR_GSO_NONE = 0;
    public static final int VIRTIO_NET_HDR_GSO_TCPV4 = 1;
    public static final int VIRTIO_NET_HDR_GSO_UDP = 3;
    public static final int VIRTIO_NET_HDR_GSO_TCPV6 = 4;
    public static final int VIRTIO_NET_HDR_GSO_UDP_L4 = 5;
    public static final int VIRTIO_NET_HDR_GSO_ECN = 0x80;

    private static final int FLAGS = 0;
    private static final int GSO_TYPE = 1;
    private static final int HDR_LEN = 2;
    private static final int GSO_SIZE = 4;
    private static final int CSUM_START = 6;
    private static final int CSUM_OFFSET = 8;

    private static final boolean LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    public static int flags(ByteBuffer b, int at) {
        return b.get(at + FLAGS) & 0xff;
    }

    public static int gsoType(ByteBuffer b, int at) {
        return b.get(at + GSO_TYPE) & 0xff;
    }

    public static int hdrLen(ByteBuffer b, int at) {
        return host16(b, at + HDR_LEN);
    }

    public static int gsoSize(ByteBuffer b, int at) {
        return host16(b, at + GSO_SIZE);
    }

    public static int csumStart(ByteBuffer b, int at) {
        return host16(b, at + CSUM_START);
    }

    public static int csumOffset(ByteBuffer b, int at) {
        return host16(b, at + CSUM_OFFSET);
    }

    /** Writes a complete header. */
    public static void put(ByteBuffer b, int at, int flags, int gsoType, int hdrLen, int gsoSize,
                           int csumStart, int csumOffset) {
        b.put(at + FLAGS, (byte) flags);
        b.put(at + GSO_TYPE, (byte) gsoType);
        putHost16(b, at + HDR_LEN, hdrLen);
        putHost16(b, at + GSO_SIZE, gsoSize);
        putHost16(b, at + CSUM_START, csumStart);
        putHost16(b, at + CSUM_OFFSET, csumOffset);
    }

    /** Writes the all-zero header of an ordinary packet: no segmentation, checksum complete. */
    public static void putNone(ByteBuffer b, int at) {
        put(b, at, 0, VIRTIO_NET_HDR_GSO_NONE, 0, 0, 0, 0);
    }

    private static int host16(ByteBuffer b, int at) {
        int lo = b.get(at) & 0xff;
        int hi = b.get(at + 1) & 0xff;
        return LITTLE ? hi << 8 | lo : lo << 8 | hi;
    }

    private static void putHost16(ByteBuffer b, int at, int v) {
        byte first = (byte) (LITTLE ? v : v >>> 8);
        byte second = (byte) (LITTLE ? v >>> 8 : v);
        b.put(at, first);
        b.put(at + 1, second);
    }
}
