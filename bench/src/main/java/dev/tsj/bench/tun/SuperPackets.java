package dev.tsj.bench.tun;

import static dev.tsj.tun.offload.IpHeaders.*;

import dev.tsj.tun.offload.InternetChecksum;
import dev.tsj.tun.offload.VirtioNetHdr;
import java.nio.ByteBuffer;

/** Builds the TCP/IPv4 traffic the offload benchmarks chew on: 64 KiB of one bulk flow. */
final class SuperPackets {
    private SuperPackets() {}

    static final int IP_LEN = 20;
    static final int TCP_LEN = 32; // with the timestamp option, as Linux sends bulk data
    static final int HEADERS = IP_LEN + TCP_LEN;

    /** Writes a TCP/IPv4 packet of {@code payload} bytes at {@code at}, checksums included. */
    static int tcp4(ByteBuffer b, int at, int seq, int id, int payload) {
        int len = HEADERS + payload;
        for (int i = 0; i < HEADERS; i++) b.put(at + i, (byte) 0);
        b.put(at, (byte) 0x45);
        putU16(b, at + IPV4_TOTAL_LENGTH, len);
        putU16(b, at + IPV4_IDENTIFICATION, id);
        b.put(at + IPV4_FLAGS_FRAGMENT, (byte) 0x40);
        b.put(at + IPV4_TTL, (byte) 64);
        b.put(at + IPV4_PROTOCOL, (byte) IPPROTO_TCP);
        putI32(b, at + IPV4_SRC, 0x64400001);
        putI32(b, at + IPV4_DST, 0x64400002);
        putU16(b, at + IPV4_HEADER_CHECKSUM, InternetChecksum.finish(InternetChecksum.add(0, b, at, IP_LEN)));
        int t = at + IP_LEN;
        putU16(b, t, 5201);
        putU16(b, t + 2, 40000);
        putI32(b, t + TCP_SEQ, seq);
        putI32(b, t + TCP_ACK, 12345);
        b.put(t + TCP_DATA_OFFSET, (byte) ((TCP_LEN / 4) << 4));
        b.put(t + TCP_FLAGS, (byte) TCP_ACK_FLAG);
        putU16(b, t + TCP_WINDOW, 501);
        b.put(t + 20, (byte) 1).put(t + 21, (byte) 1).put(t + 22, (byte) 8).put(t + 23, (byte) 10);
        putI32(b, t + 24, 111111);
        putI32(b, t + 28, 222222);
        for (int i = 0; i < payload; i++) b.put(t + TCP_LEN + i, (byte) (i * 31 + seq));
        long sum = InternetChecksum.pseudoHeader(b, at, false, IPPROTO_TCP, len - IP_LEN);
        putU16(b, t + TCP_CHECKSUM, InternetChecksum.finish(InternetChecksum.add(sum, b, t, len - IP_LEN)));
        return len;
    }

    /** A TSO read as the kernel hands it over: virtio-net header, then one super-packet. */
    static int tsoRead(ByteBuffer b, int payload, int mss) {
        VirtioNetHdr.put(b, 0, VirtioNetHdr.VIRTIO_NET_HDR_F_NEEDS_CSUM, VirtioNetHdr.VIRTIO_NET_HDR_GSO_TCPV4,
                HEADERS, mss, IP_LEN, TCP_CHECKSUM);
        return VirtioNetHdr.LEN + tcp4(b, VirtioNetHdr.LEN, 1, 100, payload);
    }
}
