package dev.tsj.tun.offload;

import dev.tsj.tun.testing.Packets;
import dev.tsj.tun.testing.ReferenceChecksum;

import static dev.tsj.tun.testing.Packets.*;
import static dev.tsj.tun.offload.VirtioNetHdr.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroCoalescerTest {
    private static final int OFFSET = 16;
    private static final int MSS = 1448;

    /** A batch laid out as the daemon hands it to write(). */
    private record Batch(ByteBuffer[] bufs, int[] sizes, List<byte[]> originals) {
        static Batch of(List<byte[]> packets) {
            ByteBuffer[] bufs = buffers(packets.size(), OFFSET + 2000);
            int[] sizes = new int[packets.size()];
            for (int i = 0; i < packets.size(); i++) {
                bufs[i].put(OFFSET, packets.get(i));
                sizes[i] = packets.get(i).length;
            }
            return new Batch(bufs, sizes, List.copyOf(packets));
        }
    }

    /** One planned write, materialised: header fields and the super-packet. */
    private record Write(int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset, byte[] packet, List<Integer> members) {}

    private static List<Write> plan(GroCoalescer c, Batch b) {
        int n = c.plan(b.bufs, b.sizes, OFFSET, b.sizes.length);
        List<Write> out = new ArrayList<>();
        ByteBuffer dst = ByteBuffer.allocate(LEN + 70000);
        for (int w = 0; w < n; w++) {
            int len = c.copyWrite(w, b.bufs, OFFSET, dst, 0);
            assertEquals(LEN + c.totalLength(w), len);
            List<Integer> members = new ArrayList<>();
            for (int p = c.firstPacket(w); p >= 0; p = c.nextPacket(p)) members.add(p);
            assertEquals(c.memberCount(w), members.size());
            out.add(new Write(flags(dst, 0), gsoType(dst, 0), hdrLen(dst, 0), gsoSize(dst, 0), csumStart(dst, 0),
                    csumOffset(dst, 0), bytes(dst, LEN, len - LEN), members));
        }
        return out;
    }

    private static List<byte[]> tcpRun(boolean v6, int seq, int... payloadSizes) {
        List<byte[]> out = new ArrayList<>();
        int id = 500;
        for (int size : payloadSizes) {
            Packets.Tcp t = new Packets.Tcp().seq(seq).timestamps(1000, 2000).payload(pattern(size, seq));
            if (v6) t.v6();
            t.id = id++;
            out.add(t.build());
            seq += size;
        }
        return out;
    }

    /** Splits a planned super-packet again and expects the originals back byte for byte. */
    private static void assertSplitsBackTo(Write w, List<byte[]> originals) {
        ByteBuffer r = ByteBuffer.allocateDirect(LEN + w.packet().length);
        VirtioNetHdr.put(r, 0, w.flags(), w.gsoType(), w.hdrLen(), w.gsoSize(), w.csumStart(), w.csumOffset());
        r.put(LEN, w.packet());
        GsoSplitter s = new GsoSplitter();
        assertTrue(s.load(r, 0, LEN + w.packet().length));
        ByteBuffer[] out = buffers(originals.size(), 2000);
        int[] sizes = new int[originals.size()];
        assertEquals(originals.size(), s.emit(out, sizes, 0, out.length, 0));
        for (int i = 0; i < originals.size(); i++) {
            assertArrayEquals(originals.get(i), bytes(out[i], 0, sizes[i]), "segment " + i);
        }
    }

    private static void assertSuperPacketHeaders(Write w, boolean v6, int protocol) {
        byte[] p = w.packet();
        int ipLen = v6 ? 40 : 20;
        if (v6) {
            assertEquals(p.length - 40, u16(p, 4), "IPv6 payload length");
        } else {
            assertEquals(p.length, u16(p, 2), "IPv4 total length");
            assertTrue(ReferenceChecksum.ipv4HeaderValid(p), "IPv4 header checksum");
        }
        assertEquals(VIRTIO_NET_HDR_F_NEEDS_CSUM, w.flags());
        assertEquals(ipLen, w.csumStart());
        assertEquals(protocol == 6 ? 16 : 6, w.csumOffset());
        // CHECKSUM_PARTIAL: the field holds the pseudo-header sum, folded, not complemented.
        int field = ipLen + w.csumOffset();
        assertEquals(ReferenceChecksum.pseudo(p, protocol, p.length - ipLen), u16(p, field), "pseudo-header seed");
    }

    @Test
    void coalescesInOrderTcp4SegmentsIntoOneSuperPacket() {
        List<byte[]> pkts = tcpRun(false, 0x7ffff000, MSS, MSS, MSS, MSS, 700);
        byte[] last = pkts.get(4);
        last[20 + 13] |= IpHeaders.TCP_PSH; // PSH on the last: allowed, moves to the super-packet
        Packets.put16(last, 36, 0);
        Packets.put16(last, 36, ReferenceChecksum.transport(last, 20, 6));
        Batch b = Batch.of(pkts);
        List<Write> writes = plan(new GroCoalescer(128, false), b);
        assertEquals(1, writes.size());
        Write w = writes.get(0);
        assertEquals(List.of(0, 1, 2, 3, 4), w.members());
        assertEquals(VIRTIO_NET_HDR_GSO_TCPV4, w.gsoType());
        assertEquals(MSS, w.gsoSize());
        assertEquals(20 + 32, w.hdrLen());
        assertEquals(20 + 32 + 4 * MSS + 700, w.packet().length);
        assertSuperPacketHeaders(w, false, 6);
        assertNotEquals(0, w.packet()[33] & IpHeaders.TCP_PSH, "PSH of the last member on the super-packet");
        assertSplitsBackTo(w, b.originals());
    }

    @Test
    void coalescesTcp6() {
        Batch b = Batch.of(tcpRun(true, 1, 1200, 1200, 1200));
        List<Write> writes = plan(new GroCoalescer(128, false), b);
        assertEquals(1, writes.size());
        assertEquals(VIRTIO_NET_HDR_GSO_TCPV6, writes.get(0).gsoType());
        assertSuperPacketHeaders(writes.get(0), true, 6);
        assertSplitsBackTo(writes.get(0), b.originals());
    }

    @Test
    void interleavedFlowsCoalesceSeparatelyInOrder() {
        List<byte[]> a = tcpRun(false, 100, 1000, 1000, 1000);
        List<byte[]> other = new ArrayList<>();
        int seq = 9;
        for (int i = 0; i < 3; i++) {
            Packets.Tcp t = new Packets.Tcp().seq(seq).timestamps(1000, 2000).payload(pattern(1000, i));
            t.srcPort = 40001;
            t.id = 1000 + i;
            other.add(t.build());
            seq += 1000;
        }
        Batch b = Batch.of(List.of(a.get(0), other.get(0), a.get(1), other.get(1), a.get(2), other.get(2)));
        List<Write> writes = plan(new GroCoalescer(128, false), b);
        assertEquals(2, writes.size());
        assertEquals(List.of(0, 2, 4), writes.get(0).members());
        assertEquals(List.of(1, 3, 5), writes.get(1).members());
        assertSplitsBackTo(writes.get(0), a);
        assertSplitsBackTo(writes.get(1), other);
    }

    @Test
    void onlyAdjacentSequenceNumbersJoin() {
        List<byte[]> p = tcpRun(false, 0, 1000, 1000, 1000, 1000);
        Batch b = Batch.of(List.of(p.get(0), p.get(2), p.get(1), p.get(3))); // reordered
        List<Write> writes = plan(new GroCoalescer(128, false), b);
        List<List<Integer>> members = writes.stream().map(Write::members).toList();
        // Only the flow's latest group is extended: seq 1000 cannot join seq 0 once seq 2000 came
        // between, and seq 3000 cannot join seq 2000 once seq 1000 came between. Written as given.
        assertEquals(List.of(List.of(0), List.of(1), List.of(2), List.of(3)), members);
    }

    @Test
    void differencesThatMustNotMergeKeepPacketsApart() {
        byte[] base = tcpRun(false, 0, 1000).get(0);
        Packets.Tcp next = new Packets.Tcp().seq(1000).timestamps(1000, 2000).payload(pattern(1000, 3));
        Packets.Tcp otherAck = new Packets.Tcp().seq(1000).timestamps(1000, 2000).payload(pattern(1000, 3));
        otherAck.ack = 78;
        Packets.Tcp otherTs = new Packets.Tcp().seq(1000).timestamps(1001, 2000).payload(pattern(1000, 3));
        Packets.Tcp otherWindow = new Packets.Tcp().seq(1000).timestamps(1000, 2000).payload(pattern(1000, 3));
        otherWindow.window = 502;
        Packets.Tcp otherTtl = new Packets.Tcp().seq(1000).timestamps(1000, 2000).payload(pattern(1000, 3));
        otherTtl.ttl = 63;
        Packets.Tcp otherTos = new Packets.Tcp().seq(1000).timestamps(1000, 2000).payload(pattern(1000, 3));
        otherTos.tos = 0x01;
        Packets.Tcp bigger = new Packets.Tcp().seq(1000).timestamps(1000, 2000).payload(pattern(1001, 3));
        Packets.Tcp ece = new Packets.Tcp().seq(1000).timestamps(1000, 2000).payload(pattern(1000, 3))
                .flags(IpHeaders.TCP_ACK_FLAG | IpHeaders.TCP_ECE);
        Packets.Tcp corrupt = new Packets.Tcp().seq(1000).timestamps(1000, 2000).payload(pattern(1000, 3));
        corrupt.corruptChecksum = true;
        GroCoalescer c = new GroCoalescer(128, false);
        assertEquals(1, plan(c, Batch.of(List.of(base, next.build()))).size(), "control: these two do merge");
        for (Packets.Tcp t : List.of(otherAck, otherTs, otherWindow, otherTtl, otherTos, bigger, ece, corrupt)) {
            List<Write> writes = plan(c, Batch.of(List.of(base, t.build())));
            assertEquals(2, writes.size());
            assertEquals(0, writes.get(0).flags(), "written alone with a zero header");
            assertEquals(VIRTIO_NET_HDR_GSO_NONE, writes.get(1).gsoType());
            assertArrayEquals(base, writes.get(0).packet(), "single packets are written unchanged");
        }
    }

    @Test
    void firstPacketWithBadChecksumIsNotMerged() {
        Packets.Tcp first = new Packets.Tcp().seq(0).timestamps(1000, 2000).payload(pattern(1000, 1));
        first.corruptChecksum = true;
        byte[] second = new Packets.Tcp().seq(1000).timestamps(1000, 2000).payload(pattern(1000, 2)).build();
        List<Write> writes = plan(new GroCoalescer(128, false), Batch.of(List.of(first.build(), second)));
        assertEquals(2, writes.size());
    }

    @Test
    void pshEndsAGroupAndShortSegmentEndsAGroup() {
        List<byte[]> p = tcpRun(false, 0, 1000, 1000, 1000, 500, 1000);
        byte[] psh = p.get(1);
        psh[33] |= IpHeaders.TCP_PSH;
        Packets.put16(psh, 36, 0);
        Packets.put16(psh, 36, ReferenceChecksum.transport(psh, 20, 6));
        List<Write> writes = plan(new GroCoalescer(128, false), Batch.of(p));
        List<List<Integer>> members = writes.stream().map(Write::members).toList();
        assertEquals(List.of(List.of(0, 1), List.of(2, 3), List.of(4)), members);
    }

    @Test
    void aFinOfTheFlowStopsLaterSegmentsJumpingAheadOfIt() {
        List<byte[]> p = tcpRun(false, 0, 1000, 1000);
        byte[] fin = new Packets.Tcp().seq(2000).flags(IpHeaders.TCP_ACK_FLAG | IpHeaders.TCP_FIN).timestamps(1000, 2000).build();
        byte[] after = tcpRun(false, 2000, 1000).get(0); // nonsense after FIN, but order must hold
        List<Write> writes = plan(new GroCoalescer(128, false), Batch.of(List.of(p.get(0), p.get(1), fin, after)));
        assertEquals(List.of(List.of(0, 1), List.of(2), List.of(3)), writes.stream().map(Write::members).toList());
    }

    @Test
    void superPacketsStayWithin64KiB() {
        int[] sizes = new int[60];
        java.util.Arrays.fill(sizes, MSS);
        List<byte[]> p = tcpRun(false, 0, sizes);
        List<Write> writes = plan(new GroCoalescer(128, false), Batch.of(p));
        assertEquals(2, writes.size());
        for (Write w : writes) assertTrue(w.packet().length <= 65535);
        assertEquals(60, writes.get(0).members().size() + writes.get(1).members().size());
        assertSplitsBackTo(writes.get(0), p.subList(0, writes.get(0).members().size()));
    }

    @Test
    void udpCoalescesOnlyWhenEnabled() {
        for (boolean v6 : new boolean[] {false, true}) {
            List<byte[]> p = List.of(udp(v6, 1, 2, pattern(1200, 1), 10), udp(v6, 1, 2, pattern(1200, 2), 11),
                    udp(v6, 1, 2, pattern(300, 3), 12));
            assertEquals(3, plan(new GroCoalescer(16, false), Batch.of(p)).size());
            List<Write> writes = plan(new GroCoalescer(16, true), Batch.of(p));
            assertEquals(1, writes.size());
            Write w = writes.get(0);
            assertEquals(VIRTIO_NET_HDR_GSO_UDP_L4, w.gsoType());
            assertEquals(1200, w.gsoSize());
            int ipLen = v6 ? 40 : 20;
            assertEquals(w.packet().length - ipLen, u16(w.packet(), ipLen + 4), "UDP length of the super-packet");
            assertSuperPacketHeaders(w, v6, 17);
            assertSplitsBackTo(w, p);
        }
    }

    @Test
    void fragmentsOptionsAndNonIpAreWrittenAloneAndBadSizesDropped() {
        List<byte[]> p = tcpRun(false, 0, 1000, 1000);
        byte[] frag = p.get(1).clone();
        frag[6] = 0x20; // MF
        Packets.put16(frag, 10, ReferenceChecksum.ipv4Header(frag));
        byte[] junk = {0x10, 1, 2, 3};
        Batch b = Batch.of(List.of(p.get(0), frag, junk, p.get(1)));
        b.sizes[2] = 0;
        List<Write> writes = plan(new GroCoalescer(16, false), b);
        // The fragment closes the flow's group, the empty packet is dropped, the last segment stands alone.
        assertEquals(List.of(List.of(0), List.of(1), List.of(3)), writes.stream().map(Write::members).toList());
        Batch tooBig = Batch.of(List.of(p.get(0)));
        tooBig.sizes[0] = 5000;
        assertEquals(0, new GroCoalescer(16, false).plan(tooBig.bufs, tooBig.sizes, OFFSET, 1), "size past the buffer: dropped");
    }
}
