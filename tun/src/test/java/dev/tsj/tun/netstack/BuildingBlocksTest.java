package dev.tsj.tun.netstack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Unit tests of the small parts: checksum, addresses, rings, ranges, RTO, timers, NewReno. */
class BuildingBlocksTest {

    @Test
    void checksumMatchesRfc1071Example() {
        // RFC 1071 section 3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2 (before complement).
        ByteBuf b = Packets.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);
        assertEquals(~0xddf2 & 0xffff, Checksum.finish(Checksum.add(b, 0, 8, 0)));
        // Odd length pads with a zero byte; any split at even offsets gives the same sum.
        ByteBuf c = Packets.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        long whole = Checksum.add(c, 0, 11, 0);
        long parts = Checksum.add(c, 6, 5, Checksum.add(c, 0, 6, 0));
        assertEquals(Checksum.finish(whole), Checksum.finish(parts));
        b.release();
        c.release();
    }

    @Test
    void addressesParseFormatAndMap() {
        assertEquals("100.64.0.1", IpAddress.parse("100.64.0.1").toString());
        assertEquals("fd7a:115c:a1e0::1", IpAddress.parse("fd7a:115c:a1e0:0:0:0:0:1").toString());
        assertEquals("2001:db8::1:0:0:1", IpAddress.parse("2001:db8:0:0:1:0:0:1").toString(), "RFC 5952: first longest run");
        assertEquals("::", IpAddress.parse("::").toString());
        assertTrue(IpAddress.parse("100.64.0.1").isV4());
        assertThrows(IllegalArgumentException.class, () -> IpAddress.parse("example.com"));
        assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(""));
        IpPrefix lan = IpPrefix.parse("203.0.113.0/24");
        assertTrue(lan.contains(IpAddress.parse("203.0.113.200")));
        assertFalse(lan.contains(IpAddress.parse("203.0.114.1")));
        assertFalse(lan.contains(IpAddress.parse("fd7a:115c:a1e0::1")));
        IpPrefix tailnet6 = IpPrefix.parse("fd7a:115c:a1e0::/48");
        assertTrue(tailnet6.contains(IpAddress.parse("fd7a:115c:a1e0:ab12::9")));
        assertFalse(tailnet6.contains(IpAddress.parse("fd7a:115c:a1e1::9")));
        assertEquals("100.64.0.0/10", IpPrefix.parse("100.100.1.1/10").toString(), "host bits are cleared");
        assertTrue(IpPrefix.parse("0.0.0.0/0").contains(IpAddress.parse("8.8.8.8")));
        assertFalse(IpPrefix.parse("0.0.0.0/0").contains(IpAddress.parse("::1")));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("10.0.0.0/33"));
    }

    @Test
    void byteRingWrapsGrowsAndKeepsPlacedBytes() {
        ByteRing r = new ByteRing(4, 64);
        byte[] data = new byte[50];
        for (int i = 0; i < data.length; i++) data[i] = (byte) i;
        assertEquals(10, r.append(data, 0, 10));
        byte[] out = new byte[6];
        assertEquals(6, r.read(out, 0, 6));
        // Place bytes beyond the readable end, then commit them once the gap is filled.
        ByteBuf later = Unpooled.wrappedBuffer(data, 20, 10);
        r.putAt(10, later, 0, 10);                 // bytes 20..29 at offset 10 (after 4 unread + 6 gap)
        ByteBuf gap = Unpooled.wrappedBuffer(data, 10, 10);
        r.putAt(4, gap, 0, 6);                     // the gap, offsets 4..9: bytes 10..15
        r.commit(16);
        assertEquals(20, r.size());
        byte[] all = new byte[20];
        r.read(all, 0, 20);
        byte[] expected = new byte[20];
        System.arraycopy(data, 6, expected, 0, 4);
        System.arraycopy(data, 10, expected, 4, 6);
        System.arraycopy(data, 20, expected, 10, 10);
        assertArrayEquals(expected, all);
        assertEquals(64, r.free());
        assertEquals(64, r.append(new byte[100], 0, 100), "appends stop at the limit");
        assertEquals(0, r.append(new byte[1], 0, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> r.putAt(60, later, 0, 10));
        later.release();
        gap.release();
    }

    @Test
    void reassemblyRangesMergeBoundAndAdvance() {
        ReassemblyRanges r = new ReassemblyRanges(3);
        assertTrue(r.add(10, 20));
        assertTrue(r.add(30, 40));
        assertTrue(r.add(20, 25), "adjacent: merges");
        assertEquals(2, r.count());
        assertTrue(r.add(50, 60));
        assertFalse(r.add(70, 80), "a fourth separate range does not fit");
        assertTrue(r.add(24, 31), "bridging two ranges frees one");
        assertEquals(2, r.count());
        assertEquals(10, r.start(0));
        assertEquals(40, r.end(0));
        assertEquals(5, r.advance(5), "in-order data short of the first range");
        assertEquals(5, r.start(0), "ranges shift with the origin");
        assertEquals(35, r.advance(5), "in-order data reaching a range absorbs it");
        assertEquals(1, r.count());
        assertEquals(10, r.start(0), "[50,60) seen from the new origin 40");
        // In-order data always advances, even with the table full.
        ReassemblyRanges full = new ReassemblyRanges(1);
        full.add(100, 200);
        assertEquals(50, full.advance(50));
    }

    @Test
    void rtoFollowsRfc6298() {
        long ms = 1_000_000;
        RtoEstimator r = new RtoEstimator(1000 * ms, 200 * ms, 60_000 * ms);
        assertEquals(1000 * ms, r.rto(), "initial 1 s");
        r.sample(100 * ms); // SRTT 100, RTTVAR 50 -> 100 + 200 = 300
        assertEquals(300 * ms, r.rto());
        r.sample(100 * ms); // RTTVAR 3/4*50 + 0 = 37.5 -> 100 + 150 = 250
        assertEquals(250 * ms, r.rto());
        r.backOff();
        assertEquals(500 * ms, r.rto());
        for (int i = 0; i < 20; i++) r.backOff();
        assertEquals(60_000 * ms, r.rto(), "capped");
        r.sample(10 * ms);
        assertTrue(r.rto() >= 200 * ms, "floored at the minimum");
    }

    @Test
    void timersFireInOrderAndLazyRearmsWork() {
        TimerQueue q = new TimerQueue();
        List<String> fired = new ArrayList<>();
        Timer a = new Timer(() -> fired.add("a"));
        Timer b = new Timer(() -> fired.add("b"));
        Timer c = new Timer(() -> fired.add("c"));
        q.arm(a, 30);
        q.arm(b, 10);
        q.arm(c, 20);
        q.arm(b, 40); // pushed later: stays filed at 10, re-filed when it comes up
        q.cancel(c);
        assertEquals(1, q.runExpired(35));
        assertEquals(List.of("a"), fired);
        assertEquals(1, q.runExpired(45));
        assertEquals(List.of("a", "b"), fired);
        q.arm(a, 100);
        q.remove(a);
        assertEquals(0, q.size());
        assertEquals(0, q.runExpired(1000));
    }

    @Test
    void sackScoreboardFindsHolesAndTheLostBoundary() {
        SackScoreboard sb = new SackScoreboard(8);
        int una = -2000; // sequence numbers wrap: the scoreboard must not care
        sb.add(una + 1000, una + 2000);
        sb.add(una + 3000, una + 4000);
        sb.add(una + 2000, una + 2500); // adjacent: merges
        assertEquals(2500, sb.sackedBytes());
        assertEquals(una + 4000, sb.highest(una));
        assertEquals(una, sb.nextUnsacked(una), "the first hole is at SND.UNA");
        assertEquals(una + 1000, sb.holeEnd(una));
        assertEquals(una + 2500, sb.nextUnsacked(una + 1200), "inside a SACKed range: skip to its end");
        assertEquals(una + 3000, sb.holeEnd(una + 2500));
        // With 3 x 500-byte segments as DupThresh: 1000 bytes above 3000, 2500 above 1000.
        assertEquals(una + 1000, sb.lostBoundary(una, 1500));
        assertEquals(una + 3000, sb.lostBoundary(una, 1000));
        assertEquals(una, sb.lostBoundary(una, 5000), "not enough SACKed: nothing is lost yet");
        assertEquals(1500, sb.sackedBelow(una + 2500));
        sb.advance(una + 1500);
        assertEquals(2000, sb.sackedBytes(), "ranges below the new SND.UNA are forgotten");
        sb.advance(una + 5000);
        assertTrue(sb.isEmpty());
    }

    @Test
    void newRenoRecoversAndHalves() {
        NewReno cc = new NewReno();
        cc.init(1000, 0);
        assertEquals(10_000, cc.cwnd, "RFC 6928 initial window");
        cc.onNewAck(5000, 5000, 10_000, 5000);
        assertEquals(15_000, cc.cwnd, "slow start grows by the bytes acked");
        assertFalse(cc.onDupAck(5000, 20_000, 25_000, false, false));
        assertEquals(1000, cc.limitedTransmitAllowance(), "RFC 3042 after the first dup ACK");
        assertFalse(cc.onDupAck(5000, 20_000, 25_000, false, false));
        assertTrue(cc.onDupAck(5000, 20_000, 25_000, false, false), "third dup ACK: fast retransmit");
        assertEquals(10_000, cc.ssthresh);
        assertEquals(13_000, cc.cwnd);
        assertTrue(cc.onNewAck(8000, 3000, 20_000, 17_000), "partial ACK: retransmit the next hole");
        assertFalse(cc.onNewAck(25_000, 17_000, 17_000, 0), "full ACK ends recovery");
        assertFalse(cc.inRecovery);
        assertTrue(cc.cwnd <= cc.ssthresh);
        cc.onTimeout(10_000, 30_000);
        assertEquals(1000, cc.cwnd);
        assertEquals(5000, cc.ssthresh);
        // Below the point of the timeout, dup ACKs alone may be go-back-N echoes: no recovery...
        for (int i = 0; i < 5; i++) assertFalse(cc.onDupAck(26_000, 4000, 30_000, false, false));
        // ...but SACK blocks proving three segments above the hole start it.
        assertTrue(cc.onDupAck(26_000, 4000, 30_000, true, false));
    }
}
