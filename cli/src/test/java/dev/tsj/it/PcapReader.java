package dev.tsj.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The UDP payloads in a tcpdump capture (classic pcap, Ethernet link type, IPv4 or IPv6
 * without extension headers): real WireGuard messages for the fuzzer to replay and mangle.
 */
final class PcapReader {
    private static final int MAGIC_MICROS = 0xa1b2c3d4;
    private static final int MAGIC_NANOS = 0xa1b23c4d;
    private static final int GLOBAL_HEADER = 24;
    private static final int RECORD_HEADER = 16;
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int ETHERNET_HEADER = 14;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86dd;
    private static final int IPV6_HEADER = 40;
    private static final int UDP_HEADER = 8;
    private static final int PROTO_UDP = 17;

    private PcapReader() {}

    static List<byte[]> udpPayloads(Path pcap) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap));
        if (b.remaining() < GLOBAL_HEADER) {
            throw new IOException(pcap + ": too short for a pcap file");
        }
        b.order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
            b.order(ByteOrder.BIG_ENDIAN);
            magic = b.getInt(0);
            if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
                throw new IOException(pcap + ": not a classic pcap file");
            }
        }
        if (b.getInt(20) != LINKTYPE_ETHERNET) {
            throw new IOException(pcap + ": link type " + b.getInt(20) + ", expected Ethernet");
        }
        List<byte[]> out = new ArrayList<>();
        int pos = GLOBAL_HEADER;
        while (pos + RECORD_HEADER <= b.limit()) {
            int captured = b.getInt(pos + 8);
            int frame = pos + RECORD_HEADER;
            if (captured < 0 || frame + captured > b.limit()) {
                break; // a capture cut short
            }
            byte[] payload = udpPayload(b.array(), frame, captured);
            if (payload != null) {
                out.add(payload);
            }
            pos = frame + captured;
        }
        return out;
    }

    private static byte[] udpPayload(byte[] a, int off, int len) {
        if (len < ETHERNET_HEADER) {
            return null;
        }
        int etherType = u16(a, off + 12);
        int ip = off + ETHERNET_HEADER;
        int end = off + len;
        int udp;
        if (etherType == ETHERTYPE_IPV4 && ip + 20 <= end && (a[ip + 9] & 0xff) == PROTO_UDP) {
            udp = ip + (a[ip] & 0x0f) * 4;
        } else if (etherType == ETHERTYPE_IPV6 && ip + IPV6_HEADER <= end && (a[ip + 6] & 0xff) == PROTO_UDP) {
            udp = ip + IPV6_HEADER;
        } else {
            return null;
        }
        if (udp + UDP_HEADER > end) {
            return null;
        }
        int udpLength = u16(a, udp + 4);
        int payloadEnd = Math.min(end, udp + udpLength);
        return udp + UDP_HEADER <= payloadEnd ? Arrays.copyOfRange(a, udp + UDP_HEADER, payloadEnd) : null;
    }

    private static int u16(byte[] a, int off) {
        return (a[off] & 0xff) << 8 | (a[off + 1] & 0xff);
    }
}
