package dev.tsj.tun.netstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** FIN, RST and TIME-WAIT behaviour between two simulated stacks. */
class TcpCloseTest {
    private static final Duration SHORT = Duration.ofSeconds(5);

    /** A connected pair: client on A, server on B, each with a receiver that records what it sees. */
    private static final class Pair {
        final SimNet net;
        final BulkReceiver server = new BulkReceiver();
        final BulkReceiver client = new BulkReceiver();

        Pair(SimNet net) {
            this.net = net;
            net.b.listen(80, req -> req.accept(server));
            CompletableFuture<TcpConnection> f = net.a.connect(new InetSocketAddress(SimNet.B4.toInetAddress(), 80), client);
            assertTrue(net.run(() -> f.isDone() && server.connection != null, SHORT), "connected");
            client.connection = f.join();
        }

        TcpConnection a() {
            return client.connection;
        }

        TcpConnection b() {
            return server.connection;
        }
    }

    @Test
    void orderlyCloseActiveSideWaitsInTimeWait() {
        try (SimNet net = new SimNet(31)) {
            Pair p = new Pair(net);
            p.a().close();
            assertTrue(net.run(() -> p.server.eof && p.a().state() == TcpState.FIN_WAIT_2, SHORT), "server reads EOF, FIN acked");
            assertEquals(TcpState.CLOSE_WAIT, p.b().state());
            p.b().close();
            assertTrue(net.run(() -> p.server.closed != null && p.a().state() == TcpState.TIME_WAIT, SHORT));
            assertEquals(CloseReason.NORMAL, p.server.closed, "passive closer: LAST-ACK then closed");
            assertEquals(CloseReason.NORMAL, p.client.closed, "the application hears of the close at TIME-WAIT");
            assertEquals(1, net.a.tcpTimeWaitCount());
            assertEquals(0, net.a.tcpConnectionCount(), "TIME-WAIT does not count against the cap");
            net.runFor(Duration.ofSeconds(59));
            assertEquals(TcpState.TIME_WAIT, p.a().state(), "still in TIME-WAIT before 2 MSL");
            net.runFor(Duration.ofSeconds(2));
            assertEquals(TcpState.CLOSED, p.a().state());
            assertEquals(0, net.a.tcpTimeWaitCount());
        }
    }

    @Test
    void timeWaitReacknowledgesARetransmittedFin() {
        try (SimNet net = new SimNet(32)) {
            Pair p = new Pair(net);
            List<Packets.Seg> fromA = Packets.capture(net.aToB);
            p.a().close();
            assertTrue(net.run(() -> p.server.eof, SHORT));
            // Lose A's ACK of B's FIN: B must retransmit the FIN, and A in TIME-WAIT must ACK it again.
            int[] acksDropped = {0};
            net.aToB.tap = pkt -> {
                Packets.Seg s = Packets.decode(pkt);
                if (s != null && s.pureAck() && p.a().state() == TcpState.TIME_WAIT && acksDropped[0] == 0) {
                    acksDropped[0]++;
                    return false;
                }
                return true;
            };
            p.b().close();
            assertTrue(net.run(() -> p.server.closed != null, Duration.ofSeconds(30)), "B closes after the re-ACK");
            assertEquals(CloseReason.NORMAL, p.server.closed);
            assertEquals(1, acksDropped[0]);
            assertTrue(net.b.counters().get(Counter.TCP_RETRANSMITS) >= 1, "B retransmitted its FIN");
            assertEquals(TcpState.TIME_WAIT, p.a().state());
            assertFalse(fromA.isEmpty());
        }
    }

    @Test
    void simultaneousCloseGoesThroughClosing() {
        try (SimNet net = new SimNet(33)) {
            Pair p = new Pair(net);
            p.a().shutdownOutput();
            p.b().shutdownOutput();
            net.runFor(Duration.ofMillis(1)); // both FINs are on the wire before either arrives
            assertTrue(net.run(() -> p.a().state() == TcpState.TIME_WAIT && p.b().state() == TcpState.TIME_WAIT, SHORT),
                    p.a().state() + " " + p.b().state());
            assertTrue(p.client.eof && p.server.eof);
        }
    }

    @Test
    void halfCloseStillCarriesDataTheOtherWay() {
        try (SimNet net = new SimNet(34)) {
            Pair p = new Pair(net);
            p.a().shutdownOutput();
            assertTrue(net.run(() -> p.server.eof, SHORT));
            BulkSender more = new BulkSender(500_000, 3);
            p.b().setHandler(more);
            more.pump(p.b());
            assertTrue(net.run(() -> p.client.eof, Duration.ofSeconds(30)), "client reads B's data and FIN after its own FIN");
            assertEquals(500_000, p.client.received);
        }
    }

    @Test
    void lostFinIsRetransmitted() {
        try (SimNet net = new SimNet(35)) {
            Pair p = new Pair(net);
            boolean[] dropped = {false};
            net.aToB.tap = pkt -> {
                Packets.Seg s = Packets.decode(pkt);
                if (s != null && s.has(Spec.TH_FIN) && !dropped[0]) {
                    dropped[0] = true;
                    return false;
                }
                return true;
            };
            p.a().shutdownOutput();
            assertTrue(net.run(() -> p.server.eof, Duration.ofSeconds(10)));
            assertTrue(dropped[0]);
        }
    }

    @Test
    void abortResetsThePeer() throws Exception {
        try (SimNet net = new SimNet(36)) {
            Pair p = new Pair(net);
            p.a().abort();
            assertTrue(net.run(() -> p.server.closed != null, SHORT));
            assertEquals(CloseReason.RESET, p.server.closed);
            IOException e = assertThrows(IOException.class, () -> p.b().read(new byte[10], 0, 10));
            assertTrue(e.getMessage().contains("reset"), e.getMessage());
            assertThrows(IOException.class, () -> p.b().write(new byte[10], 0, 10));
            assertEquals(0, net.b.tcpConnectionCount());
        }
    }

    @Test
    void closeWithUnreadDataSendsReset() {
        try (SimNet net = new SimNet(37)) {
            Pair p = new Pair(net);
            p.server.reading = false;
            BulkSender s = new BulkSender(10_000, 1);
            s.closeWhenDone = false;
            s.pump(p.a());
            assertTrue(net.run(() -> p.b().receiveBuffered() == 10_000, SHORT));
            p.b().close(); // RFC 2525 2.17: unread data means RST, not FIN
            assertTrue(net.run(() -> p.client.closed != null, SHORT));
            assertEquals(CloseReason.RESET, p.client.closed);
        }
    }

    @Test
    void dataAfterCloseIsAnsweredWithReset() throws Exception {
        try (SimNet net = new SimNet(38)) {
            Pair p = new Pair(net);
            p.b().close();
            assertTrue(net.run(() -> p.client.eof, SHORT));
            p.a().write(new byte[100], 0, 100); // the server has closed: nobody will read this
            assertTrue(net.run(() -> p.client.closed != null, SHORT));
            assertEquals(CloseReason.RESET, p.client.closed);
        }
    }

    @Test
    void connectToPortWithoutListenerIsRefused() {
        try (SimNet net = new SimNet(39)) {
            CompletableFuture<TcpConnection> f = net.a.connect(new InetSocketAddress(SimNet.B6.toInetAddress(), 4242), null);
            assertTrue(net.run(f::isDone, SHORT));
            ExecutionException e = assertThrows(ExecutionException.class, f::get);
            assertTrue(e.getCause().getMessage().contains("refused"), e.getCause().getMessage());
            assertEquals(1, net.b.counters().get(Counter.TCP_NO_LISTENER));
        }
    }

    @Test
    void strayAckIsAnsweredWithResetAtItsAckNumber() {
        try (SimNet net = new SimNet(40)) {
            List<Packets.Seg> fromB = Packets.capture(net.bToA);
            Packets.inject(net.b, Packets.tcp(SimNet.A4, 1234, SimNet.B4, 80, 1000, 777_777, Spec.TH_ACK, 1000,
                    new byte[0], new byte[0]));
            net.runFor(Duration.ofMillis(10));
            assertEquals(1, fromB.size());
            Packets.Seg rst = fromB.get(0);
            assertEquals(Spec.TH_RST, rst.flags(), "RFC 9293: RST without ACK");
            assertEquals(777_777, rst.seq(), "at the stray segment's ACK number");
        }
    }

    @Test
    void inWindowResetWithWrongSequenceGetsChallengeAckNotReset() {
        try (SimNet net = new SimNet(41)) {
            Pair p = new Pair(net);
            TcpConnection b = p.b();
            List<Packets.Seg> fromB = Packets.capture(net.bToA);
            // RFC 5961: a RST inside the window but not at RCV.NXT is probably forged.
            Packets.inject(net.b, Packets.tcp(SimNet.A4, p.a().localPort, SimNet.B4, 80, b.rcvNxt + 100, 0, Spec.TH_RST,
                    0, new byte[0], new byte[0]));
            net.runFor(Duration.ofMillis(10));
            assertEquals(TcpState.ESTABLISHED, b.state());
            assertTrue(fromB.stream().anyMatch(s -> s.pureAck() && s.ack() == b.rcvNxt), "challenge ACK");
            // The same RST at exactly RCV.NXT is honoured.
            Packets.inject(net.b, Packets.tcp(SimNet.A4, p.a().localPort, SimNet.B4, 80, b.rcvNxt, 0, Spec.TH_RST,
                    0, new byte[0], new byte[0]));
            net.runFor(Duration.ofMillis(10));
            assertEquals(CloseReason.RESET, p.server.closed);
        }
    }

    @Test
    void synOnEstablishedConnectionGetsChallengeAck() {
        try (SimNet net = new SimNet(42)) {
            Pair p = new Pair(net);
            List<Packets.Seg> fromB = Packets.capture(net.bToA);
            Packets.inject(net.b, Packets.tcp(SimNet.A4, p.a().localPort, SimNet.B4, 80, p.b().rcvNxt + 5, 0, Spec.TH_SYN,
                    1000, new byte[0], new byte[0]));
            net.runFor(Duration.ofMillis(10));
            assertEquals(TcpState.ESTABLISHED, p.b().state());
            assertNotNull(fromB.stream().filter(Packets.Seg::pureAck).findFirst().orElse(null));
        }
    }
}
