package dev.tsj.tun.netstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Retransmission give-up, SYN timeout, keepalive and idle timeout, all on virtual time. */
class TcpTimeoutTest {

    private static BulkReceiver[] connect(SimNet net) {
        BulkReceiver server = new BulkReceiver();
        BulkReceiver client = new BulkReceiver();
        net.b.listen(80, req -> req.accept(server));
        CompletableFuture<TcpConnection> f = net.a.connect(new InetSocketAddress(SimNet.B4.toInetAddress(), 80), client);
        assertTrue(net.run(() -> f.isDone() && server.connection != null, Duration.ofSeconds(5)));
        client.connection = f.join();
        return new BulkReceiver[] {client, server};
    }

    @Test
    void unansweredSynTimesOut() {
        try (SimNet net = new SimNet(61, c -> c.synRetries(3))) {
            net.aToB.tap = p -> false; // black hole
            List<Packets.Seg> syns = new java.util.ArrayList<>();
            var hole = net.aToB.tap;
            net.aToB.tap = p -> {
                Packets.Seg s = Packets.decode(p);
                if (s != null) syns.add(s);
                return hole.test(p);
            };
            long start = net.loop.nanoTime();
            CompletableFuture<TcpConnection> f = net.a.connect(new InetSocketAddress(SimNet.B4.toInetAddress(), 80), null);
            assertTrue(net.run(f::isDone, Duration.ofMinutes(5)));
            ExecutionException e = assertThrows(ExecutionException.class, f::get);
            assertTrue(e.getCause().getMessage().contains("timed out"), e.getCause().getMessage());
            assertEquals(4, syns.size(), "the SYN and 3 retransmissions");
            // 1 s, then doubling: 1 + 2 + 4 + 8 = 15 s (RFC 6298 backoff).
            long elapsed = (net.loop.nanoTime() - start) / 1_000_000_000L;
            assertEquals(15, elapsed);
            assertEquals(0, net.a.tcpConnectionCount());
        }
    }

    @Test
    void retransmissionsGiveUpWithTimeoutAndReset() throws Exception {
        try (SimNet net = new SimNet(62, c -> c.maxRetransmits(4))) {
            BulkReceiver[] p = connect(net);
            net.aToB.tap = pkt -> false;
            p[0].connection.write(new byte[1000], 0, 1000);
            assertTrue(net.run(() -> p[0].closed != null, Duration.ofMinutes(10)));
            assertEquals(CloseReason.TIMEOUT, p[0].closed);
            assertEquals(4, net.a.counters().get(Counter.TCP_RTO_EXPIRED));
        }
    }

    @Test
    void keepaliveDetectsADeadPeer() {
        try (SimNet net = new SimNet(63, c -> c.keepAliveIdle(Duration.ofSeconds(30))
                .keepAliveInterval(Duration.ofSeconds(5)).keepAliveCount(3))) {
            BulkReceiver[] p = connect(net);
            p[0].connection.setKeepAlive(true);
            long start = net.loop.nanoTime();
            net.bToA.tap = pkt -> false; // B's answers vanish
            assertTrue(net.run(() -> p[0].closed != null, Duration.ofMinutes(10)));
            assertEquals(CloseReason.KEEPALIVE_TIMEOUT, p[0].closed);
            double elapsed = (net.loop.nanoTime() - start) / 1e9;
            assertEquals(30 + 3 * 5, elapsed, 0.1, "idle, then three unanswered probes");
        }
    }

    @Test
    void keepaliveKeepsALivePeerConnected() {
        try (SimNet net = new SimNet(64, c -> c.keepAliveIdle(Duration.ofSeconds(30))
                .keepAliveInterval(Duration.ofSeconds(5)).keepAliveCount(3))) {
            BulkReceiver[] p = connect(net);
            p[0].connection.setKeepAlive(true);
            List<Packets.Seg> fromA = Packets.capture(net.aToB);
            net.runFor(Duration.ofHours(1));
            assertEquals(TcpState.ESTABLISHED, p[0].connection.state());
            long probes = fromA.stream().filter(s -> s.pureAck() && s.seq() == p[0].connection.sndUna - 1).count();
            // One probe per 30 s idle period, each answered (the period restarts at each answer, a few ms late).
            assertTrue(probes == 119 || probes == 120, "probes: " + probes);
        }
    }

    @Test
    void idleTimeoutResetsQuietConnections() throws Exception {
        try (SimNet net = new SimNet(65, c -> c.tcpIdleTimeout(Duration.ofSeconds(90)))) {
            BulkReceiver[] p = connect(net);
            net.runFor(Duration.ofSeconds(60));
            p[1].connection.write(new byte[10], 0, 10); // traffic restarts the clock
            net.runFor(Duration.ofSeconds(60));
            assertEquals(TcpState.ESTABLISHED, p[0].connection.state());
            assertTrue(net.run(() -> p[0].closed != null && p[1].closed != null, Duration.ofSeconds(40)));
            assertTrue(p[0].closed == CloseReason.IDLE_TIMEOUT || p[1].closed == CloseReason.IDLE_TIMEOUT);
        }
    }

    @Test
    void finWait2IsAbandonedAfterTimeoutWhenTheApplicationClosed() {
        try (SimNet net = new SimNet(66, c -> c.finWait2Timeout(Duration.ofSeconds(20)))) {
            BulkReceiver[] p = connect(net);
            p[0].connection.close(); // B never closes its side
            assertTrue(net.run(() -> p[0].connection.state() == TcpState.FIN_WAIT_2, Duration.ofSeconds(1)));
            net.runFor(Duration.ofSeconds(21));
            assertEquals(TcpState.CLOSED, p[0].connection.state());
            assertEquals(TcpState.CLOSE_WAIT, p[1].connection.state());
        }
    }
}
