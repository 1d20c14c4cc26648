package dev.tsj.tun.netstack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** MSS clamping to the tunnel MTU and RFC 7323 window scaling. */
class TcpOptionsTest {

    /** Bytes the sender had in flight at most, sampled on every loop turn. */
    private int mostInFlight;

    private BulkReceiver transfer(SimNet net, IpAddress to, long bytes) {
        BulkReceiver r = new BulkReceiver();
        net.b.listen(80, req -> req.accept(r));
        BulkSender s = new BulkSender(bytes, 4);
        net.a.connect(new InetSocketAddress(to.toInetAddress(), 80), s);
        assertTrue(net.run(() -> {
            TcpConnection c = s.connection;
            if (c != null) mostInFlight = Math.max(mostInFlight, c.sndMax - c.sndUna);
            return r.eof;
        }, Duration.ofMinutes(5)));
        assertArrayEquals(s.digest(), r.digest());
        return r;
    }

    @Test
    void mssIsClampedToTheSmallerTunnelMtuBothWays() {
        // A has a 1280-byte tunnel MTU, B 1420: neither may send A more than 1280-byte packets.
        try (SimNet net = new SimNet(51, a -> a.mtu(1280), b -> b.mtu(1420))) {
            List<Packets.Seg> fromA = Packets.capture(net.aToB);
            List<Packets.Seg> fromB = Packets.capture(net.bToA);
            BulkReceiver atB = new BulkReceiver();
            BulkSender fromBSender = new BulkSender(400_000, 8);
            net.b.listen(80, req -> req.accept(new TcpHandler() {
                @Override public void onConnected(TcpConnection c) { atB.onConnected(c); fromBSender.onConnected(c); }
                @Override public void onReadable(TcpConnection c) { atB.onReadable(c); }
                @Override public void onWritable(TcpConnection c) { fromBSender.onWritable(c); }
            }));
            BulkSender fromASender = new BulkSender(400_000, 7);
            BulkReceiver atA = new BulkReceiver();
            net.a.connect(new InetSocketAddress(SimNet.B4.toInetAddress(), 80), new TcpHandler() {
                @Override public void onConnected(TcpConnection c) { fromASender.onConnected(c); atA.onConnected(c); }
                @Override public void onReadable(TcpConnection c) { atA.onReadable(c); }
                @Override public void onWritable(TcpConnection c) { fromASender.onWritable(c); }
            });
            assertTrue(net.run(() -> atA.eof && atB.eof, Duration.ofMinutes(5)));

            assertEquals(1240, fromA.get(0).mss(), "A's SYN: 1280 - 20 - 20");
            Packets.Seg synAck = fromB.stream().filter(s -> s.has(Spec.TH_SYN)).findFirst().orElseThrow();
            assertEquals(1380, synAck.mss(), "B's SYN-ACK: 1420 - 20 - 20");
            assertEquals(1280, fromB.stream().mapToInt(Packets.Seg::ipLength).max().orElseThrow(),
                    "B clamps to the MSS A announced");
            assertEquals(1280, fromA.stream().mapToInt(Packets.Seg::ipLength).max().orElseThrow(),
                    "A stays within its own MTU although B announced more");
            assertEquals(1240, atA.connection.mss());
        }
    }

    @Test
    void ipv6MssLeavesRoomForTheLargerHeader() {
        try (SimNet net = new SimNet(52)) {
            List<Packets.Seg> fromA = Packets.capture(net.aToB);
            transfer(net, SimNet.B6, 200_000);
            assertEquals(1220, fromA.get(0).mss(), "1280 - 40 - 20");
            assertEquals(1280, fromA.stream().mapToInt(Packets.Seg::ipLength).max().orElseThrow());
        }
    }

    @Test
    void windowScalingLetsMoreThan64KiBFly() {
        try (SimNet net = new SimNet(53)) {
            // A long fat pipe: 40 ms of delay each way at 200 Mbit/s needs ~2 MB in flight.
            net.aToB.delayNanos = net.bToA.delayNanos = 40_000_000;
            net.aToB.queueNanos = net.bToA.queueNanos = 200_000_000;
            List<Packets.Seg> fromA = Packets.capture(net.aToB);
            List<Packets.Seg> fromB = Packets.capture(net.bToA);
            BulkReceiver r = transfer(net, SimNet.B4, 6_000_000);
            assertEquals(5, fromA.get(0).wscale(), "1 MiB buffer needs shift 5");
            assertEquals(5, fromB.get(0).wscale());
            assertEquals(5, r.connection.sendWindowShift());
            assertTrue(mostInFlight > 65_535, "in flight at once: " + mostInFlight);
            int widestWindow = fromB.stream().filter(s -> !s.has(Spec.TH_SYN)).mapToInt(Packets.Seg::window).max().orElseThrow();
            assertTrue((widestWindow << 5) > 65_535, "scaled window advertised: " + (widestWindow << 5));
        }
    }

    @Test
    void withoutScalingOnOneSideNeitherScales() {
        try (SimNet net = new SimNet(54, a -> {}, b -> b.windowScaling(false))) {
            net.aToB.delayNanos = net.bToA.delayNanos = 40_000_000;
            net.aToB.queueNanos = net.bToA.queueNanos = 200_000_000;
            List<Packets.Seg> fromA = Packets.capture(net.aToB);
            List<Packets.Seg> fromB = Packets.capture(net.bToA);
            BulkReceiver r = transfer(net, SimNet.B4, 2_000_000);
            assertEquals(5, fromA.get(0).wscale(), "A offers");
            assertEquals(-1, fromB.get(0).wscale(), "B does not answer with the option");
            assertEquals(0, r.connection.sendWindowShift());
            assertEquals(0, r.connection.receiveWindowShift());
            assertTrue(mostInFlight <= 65_535, "the unscaled window caps the flight: " + mostInFlight);
            assertTrue(mostInFlight > 30_000, "but it is used: " + mostInFlight);
        }
    }

    /** Drops 30 consecutive data segments from A once; returns the elapsed virtual time of the transfer. */
    private long burstLoss(SimNet net) {
        int[] dataSegments = {0};
        net.aToB.tap = p -> {
            Packets.Seg s = Packets.decode(p);
            return s == null || s.payload() == 0 || ++dataSegments[0] < 300 || dataSegments[0] >= 330;
        };
        long start = net.loop.nanoTime();
        transfer(net, SimNet.B4, 3_000_000);
        return net.loop.nanoTime() - start;
    }

    @Test
    void sackRepairsABurstOfLossesInOneRecoveryWithoutATimeout() {
        long withSack;
        long withoutSack;
        try (SimNet net = new SimNet(56)) {
            withSack = burstLoss(net);
            assertEquals(0, net.a.counters().get(Counter.TCP_RTO_EXPIRED), "no retransmission timeout");
            assertEquals(1, net.a.counters().get(Counter.TCP_FAST_RETRANSMITS), "one recovery episode");
            long retransmits = net.a.counters().get(Counter.TCP_RETRANSMITS);
            assertTrue(retransmits >= 30 && retransmits <= 33, "the holes and nothing else: " + retransmits);
        }
        try (SimNet net = new SimNet(56, c -> c.sack(false))) {
            withoutSack = burstLoss(net);
        }
        assertTrue(withSack < withoutSack, "SACK recovery is faster: " + withSack / 1_000_000 + " ms vs "
                + withoutSack / 1_000_000 + " ms");
    }

    @Test
    void sackPermittedIsNegotiatedAndBlocksAreSentForHoles() {
        try (SimNet net = new SimNet(55)) {
            net.impair(0.03, 0, 0);
            List<Packets.Seg> fromB = Packets.capture(net.bToA);
            BulkReceiver r = transfer(net, SimNet.B4, 2_000_000);
            assertTrue(r.connection.sackPermitted());
            assertTrue(fromB.stream().anyMatch(Packets.Seg::hasSack), "ACKs for out-of-order data carry SACK blocks");
        }
    }

}
