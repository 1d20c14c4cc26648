package dev.tsj.tun.offload;

import dev.tsj.tun.testing.Packets;
import dev.tsj.tun.testing.ReferenceChecksum;

import static dev.tsj.tun.testing.Packets.*;
import static dev.tsj.tun.offload.VirtioNetHdr.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GsoSplitterTest {
    private static final int OFFSET = 16;
    private static final int MTU = 1500;

    /** What a TUN read gives: a virtio-net header, then the packet. */
    private static ByteBuffer read(int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset, byte[] packet) {
        ByteBuffer b = ByteBuffer.allocateDirect(LEN + packet.length + 64);
        VirtioNetHdr.put(b, 0, flags, gsoType, hdrLen, gsoSize, csumStart, csumOffset);
        b.put(LEN, packet);
        return b;
    }

    private static List<byte[]> splitAll(GsoSplitter s, int perCall) {
        List<byte[]> out = new ArrayList<>();
        while (s.remaining() > 0) {
            ByteBuffer[] bufs = buffers(perCall, OFFSET + MTU);
            int[] sizes = new int[perCall];
            int n = s.emit(bufs, sizes, 0, perCall, OFFSET);
            assertTrue(n > 0 || s.remaining() == 0);
            for (int i = 0; i < n; i++) {
                assertEquals(0, bufs[i].get(OFFSET - 1), "headroom untouched");
                out.add(bytes(bufs[i], OFFSET, sizes[i]));
            }
        }
        return out;
    }

    private static void assertTcpSegments(List<byte[]> segs, byte[] superPacket, int ipLen, int tcpLen, int mss) {
        int seq0 = i32(superPacket, ipLen + 4);
        int flags0 = superPacket[ipLen + 13] & 0xff;
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        for (int k = 0; k < segs.size(); k++) {
            byte[] s = segs.get(k);
            boolean last = k == segs.size() - 1;
            assertTrue(s.length <= ipLen + tcpLen + mss, "segment " + k + " within MSS");
            if (ipLen == 20) {
                assertEquals(s.length, u16(s, 2), "IPv4 total length");
                assertTrue(ReferenceChecksum.ipv4HeaderValid(s), "IPv4 header checksum of segment " + k);
                assertEquals((u16(superPacket, 4) + k) & 0xffff, u16(s, 4), "IPv4 id increments");
            } else {
                assertEquals(s.length - 40, u16(s, 4), "IPv6 payload length");
            }
            assertTrue(ReferenceChecksum.transportValid(s, ipLen, 6), "TCP checksum of segment " + k);
            assertEquals(seq0 + k * mss, i32(s, ipLen + 4), "sequence number");
            int flags = s[ipLen + 13] & 0xff;
            int expected = flags0;
            if (!last) expected &= ~(IpHeaders.TCP_FIN | IpHeaders.TCP_PSH);
            if (k > 0) expected &= ~IpHeaders.TCP_CWR;
            assertEquals(expected, flags, "flags of segment " + k);
            assertArrayEquals(slice(superPacket, ipLen, ipLen + 4), slice(s, ipLen, ipLen + 4), "ports");
            assertArrayEquals(slice(superPacket, ipLen + 8, ipLen + 13), slice(s, ipLen + 8, ipLen + 13), "ack, offset");
            assertArrayEquals(slice(superPacket, ipLen + 14, ipLen + 16), slice(s, ipLen + 14, ipLen + 16), "window");
            assertArrayEquals(slice(superPacket, ipLen + 20, ipLen + tcpLen), slice(s, ipLen + 20, ipLen + tcpLen), "options");
            payload.writeBytes(slice(s, ipLen + tcpLen, s.length));
        }
        assertArrayEquals(slice(superPacket, ipLen + tcpLen, superPacket.length), payload.toByteArray(), "payload");
    }

    @Test
    void splitsTso4SuperPacketIntoValidSegments() {
        Packets.Tcp t = new Packets.Tcp().seq(0xfffff000).flags(IpHeaders.TCP_ACK_FLAG | IpHeaders.TCP_PSH | IpHeaders.TCP_FIN | IpHeaders.TCP_CWR)
                .timestamps(123456, 654321).payload(pattern(64000, 1));
        t.id = 0xfff0; // wraps within the super-packet
        byte[] sp = t.build();
        int mss = 1448;
        // hdr_len deliberately wrong: the kernel's is only a hint.
        ByteBuffer r = read(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, 9999, mss, 20, 16, sp);
        GsoSplitter s = new GsoSplitter();
        assertTrue(s.load(r, 0, LEN + sp.length));
        assertEquals((64000 + mss - 1) / mss, s.remaining());
        List<byte[]> segs = splitAll(s, 128);
        assertEquals(45, segs.size());
        assertTcpSegments(segs, sp, 20, 32, mss);
        assertEquals(0, s.remaining());
    }

    @Test
    void splitsTso6SuperPacketAcrossSeveralEmits() {
        byte[] sp = new Packets.Tcp().v6().seq(5).flags(IpHeaders.TCP_ACK_FLAG | IpHeaders.TCP_PSH)
                .timestamps(1, 2).payload(pattern(30001, 2)).build();
        int mss = 1428;
        ByteBuffer r = read(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV6, 40 + 32, mss, 40, 16, sp);
        GsoSplitter s = new GsoSplitter();
        assertTrue(s.load(r, 0, LEN + sp.length));
        List<byte[]> segs = splitAll(s, 4); // fewer buffers than segments: finished over several emits
        assertEquals((30001 + mss - 1) / mss, segs.size());
        assertTcpSegments(segs, sp, 40, 32, mss);
    }

    @Test
    void splitsUdpL4SuperPacketsOfBothFamilies() {
        for (boolean v6 : new boolean[] {false, true}) {
            int ipLen = v6 ? 40 : 20;
            byte[] payload = pattern(10000, 3);
            byte[] sp = udp(v6, 4433, 53000, payload, 42);
            int seg = 1200;
            ByteBuffer r = read(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_UDP_L4, ipLen + 8, seg, ipLen, 6, sp);
            GsoSplitter s = new GsoSplitter();
            assertTrue(s.load(r, 0, LEN + sp.length));
            List<byte[]> segs = splitAll(s, 3);
            assertEquals(9, segs.size());
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            for (byte[] d : segs) {
                assertEquals(d.length - ipLen, u16(d, ipLen + 4), "UDP length");
                assertTrue(ReferenceChecksum.transportValid(d, ipLen, 17), "UDP checksum");
                if (!v6) assertTrue(ReferenceChecksum.ipv4HeaderValid(d));
                joined.writeBytes(slice(d, ipLen + 8, d.length));
            }
            assertArrayEquals(payload, joined.toByteArray());
        }
    }

    @Test
    void completesPartialChecksumOfUnsegmentedPacket() {
        byte[] p = udp(false, 1000, 2000, pattern(333, 4), 7);
        byte[] expected = p.clone();
        // What the kernel hands over with CHECKSUM_PARTIAL: the pseudo-header sum in the field.
        int partial = ReferenceChecksum.pseudo(p, 17, p.length - 20);
        put16(p, 26, partial);
        ByteBuffer r = read(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_NONE, 0, 0, 20, 6, p);
        GsoSplitter s = new GsoSplitter();
        assertTrue(s.load(r, 0, LEN + p.length));
        List<byte[]> out = splitAll(s, 1);
        assertEquals(1, out.size());
        assertArrayEquals(expected, out.get(0));
    }

    @Test
    void passesOrdinaryPacketThroughUnchanged() {
        byte[] p = new Packets.Tcp().payload(pattern(100, 5)).build();
        ByteBuffer r = read(0, VIRTIO_NET_HDR_GSO_NONE, 0, 0, 0, 0, p);
        GsoSplitter s = new GsoSplitter();
        assertTrue(s.load(r, 0, LEN + p.length));
        assertArrayEquals(p, splitAll(s, 8).get(0));
    }

    @Test
    void readsAtAnOffsetAndFromLittleEndianBuffers() {
        byte[] sp = new Packets.Tcp().payload(pattern(5000, 6)).build();
        ByteBuffer r = ByteBuffer.allocate(100 + LEN + sp.length).order(ByteOrder.LITTLE_ENDIAN);
        VirtioNetHdr.put(r, 100, VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, 40, 1000, 20, 16);
        r.put(100 + LEN, sp);
        GsoSplitter s = new GsoSplitter();
        assertTrue(s.load(r, 100, LEN + sp.length));
        List<byte[]> segs = splitAll(s, 8);
        assertEquals(5, segs.size());
        assertTcpSegments(segs, sp, 20, 20, 1000);
    }

    @Test
    void rejectsHeadersThatDoNotMatchThePacket() {
        byte[] v4 = new Packets.Tcp().payload(pattern(3000, 7)).build();
        byte[] v6 = new Packets.Tcp().v6().payload(pattern(3000, 7)).build();
        GsoSplitter s = new GsoSplitter();
        assertFalse(s.load(read(0, VIRTIO_NET_HDR_GSO_TCPV6, 40, 1000, 20, 16, v4), 0, LEN + v4.length), "v6 GSO on v4");
        assertFalse(s.load(read(0, VIRTIO_NET_HDR_GSO_TCPV4, 60, 1000, 40, 16, v6), 0, LEN + v6.length), "v4 GSO on v6");
        assertFalse(s.load(read(0, VIRTIO_NET_HDR_GSO_TCPV4, 40, 0, 20, 16, v4), 0, LEN + v4.length), "gso_size 0");
        assertFalse(s.load(read(0, VIRTIO_NET_HDR_GSO_TCPV4, 40, 1000, 10, 16, v4), 0, LEN + v4.length), "csum_start inside IP header");
        assertFalse(s.load(read(0, VIRTIO_NET_HDR_GSO_TCPV4, 40, 1000, 3000, 16, v4), 0, LEN + v4.length), "csum_start past the end");
        assertFalse(s.load(read(0, VIRTIO_NET_HDR_GSO_UDP, 28, 1000, 20, 6, v4), 0, LEN + v4.length), "UFO");
        assertFalse(s.load(read(VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, 0, 20, 4000, v4), 0, LEN + v4.length), "checksum beyond packet");
        assertFalse(s.load(read(0, 0, 0, 0, 0, 0, v4), 0, 5), "shorter than the virtio header");
        byte[] junk = {0x15, 0, 0};
        assertFalse(s.load(read(0, 0, 0, 0, 0, 0, junk), 0, LEN + junk.length), "not IP");
        byte[] badDoff = v4.clone();
        badDoff[32] = 0x30;
        assertFalse(s.load(read(0, VIRTIO_NET_HDR_GSO_TCPV4, 40, 1000, 20, 16, badDoff), 0, LEN + v4.length), "TCP data offset < 5");
        assertEquals(0, s.remaining());
    }

    @Test
    void dropsSegmentsThatDoNotFitTheCallersBuffer() {
        byte[] sp = new Packets.Tcp().payload(pattern(3000, 8)).build();
        GsoSplitter s = new GsoSplitter();
        assertTrue(s.load(read(0, VIRTIO_NET_HDR_GSO_TCPV4, 40, 1400, 20, 16, sp), 0, LEN + sp.length));
        ByteBuffer[] small = buffers(3, OFFSET + 1000);
        assertEquals(1, s.emit(small, new int[3], 0, 3, OFFSET), "only the 240-byte tail fits");
        assertEquals(2, s.droppedSegments());
    }
}
