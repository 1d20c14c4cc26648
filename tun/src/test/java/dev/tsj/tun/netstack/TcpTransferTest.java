package dev.tsj.tun.netstack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class TcpTransferTest {

    /** Sends {@code bytes} from A to B and {@code bytes} from B to A at once; checks both hashes. */
    private static void bidirectional(SimNet net, IpAddress bAddr, long bytes, Duration maxVirtual) {
        BulkReceiver atB = new BulkReceiver();
        BulkSender fromB = new BulkSender(bytes, 2);
        net.b.listen(5001, req -> req.accept(new TcpHandler() {
            @Override public void onConnected(TcpConnection c) { atB.onConnected(c); fromB.onConnected(c); }
            @Override public void onReadable(TcpConnection c) { atB.onReadable(c); }
            @Override public void onWritable(TcpConnection c) { fromB.onWritable(c); }
            @Override public void onClosed(TcpConnection c, CloseReason r) { atB.onClosed(c, r); fromB.onClosed(c, r); }
        }));
        BulkSender fromA = new BulkSender(bytes, 1);
        BulkReceiver atA = new BulkReceiver();
        CompletableFuture<TcpConnection> f = net.a.connect(new InetSocketAddress(bAddr.toInetAddress(), 5001), new TcpHandler() {
            @Override public void onConnected(TcpConnection c) { fromA.onConnected(c); atA.onConnected(c); }
            @Override public void onReadable(TcpConnection c) { atA.onReadable(c); }
            @Override public void onWritable(TcpConnection c) { fromA.onWritable(c); }
            @Override public void onClosed(TcpConnection c, CloseReason r) { fromA.onClosed(c, r); atA.onClosed(c, r); }
        });
        boolean done = net.run(() -> atB.eof && atA.eof, maxVirtual);
        if (!done) {
            net.a.debugConnections().forEach(l -> System.out.println("A: " + l));
            net.b.debugConnections().forEach(l -> System.out.println("B: " + l));
            System.out.println("A counters " + net.a.counters().snapshot());
            System.out.println("B counters " + net.b.counters().snapshot());
        }
        assertTrue(f.isDone() && !f.isCompletedExceptionally(), "connected");
        assertTrue(done, "transfer finished: A->B " + atB.received + "/" + bytes + ", B->A " + atA.received + "/" + bytes);
        assertEquals(bytes, atB.received);
        assertEquals(bytes, atA.received);
        assertArrayEquals(fromA.digest(), atB.digest(), "A->B SHA-256");
        assertArrayEquals(fromB.digest(), atA.digest(), "B->A SHA-256");
        // Both sides half-closed and read EOF: the connection closes normally everywhere.
        assertTrue(net.run(() -> fromA.closed != null && atB.closed != null, Duration.ofMinutes(5)), "closed");
        assertEquals(CloseReason.NORMAL, fromA.closed);
        assertEquals(CloseReason.NORMAL, atB.closed);
    }

    @Test
    void cleanLinkIpv4() {
        try (SimNet net = new SimNet(1)) {
            bidirectional(net, SimNet.B4, 2_000_000, Duration.ofMinutes(2));
        }
    }

    @Test
    void cleanLinkIpv6() {
        try (SimNet net = new SimNet(2)) {
            bidirectional(net, SimNet.B6, 2_000_000, Duration.ofMinutes(2));
        }
    }

    @Test
    void twentyMegabytesEachWayUnderLossReorderingAndDuplication() {
        try (SimNet net = new SimNet(3)) {
            net.impair(0.02, 0.05, 0.01);
            bidirectional(net, SimNet.B4, 20_000_000, Duration.ofHours(2));
            long retransmits = net.a.counters().get(Counter.TCP_RETRANSMITS) + net.b.counters().get(Counter.TCP_RETRANSMITS);
            assertTrue(retransmits > 0, "losses were repaired by retransmission");
            assertTrue(net.a.counters().get(Counter.TCP_FAST_RETRANSMITS) > 0, "fast retransmit was used");
        }
    }

    @Test
    void twentyMegabytesOverIpv6UnderLoss() {
        try (SimNet net = new SimNet(4)) {
            net.impair(0.02, 0.03, 0.0);
            bidirectional(net, SimNet.B6, 20_000_000, Duration.ofHours(2));
        }
    }
}
