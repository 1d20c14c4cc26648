package dev.tsj.tun.netstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Acceptors that decide late, reject, or never decide; the connection cap. */
class TcpAcceptTest {

    @Test
    void acceptorMayDecideLaterAndSynRetransmissionsWait() {
        try (SimNet net = new SimNet(71)) {
            List<TcpAcceptRequest> pending = new ArrayList<>();
            net.b.listen(80, pending::add);
            List<Packets.Seg> fromB = Packets.capture(net.bToA);
            CompletableFuture<TcpConnection> f = net.a.connect(new InetSocketAddress(SimNet.B4.toInetAddress(), 80), null);
            net.runFor(Duration.ofMillis(2500)); // the client retransmits its SYN at 1 s
            assertEquals(1, pending.size(), "one request despite the SYN retransmission");
            assertTrue(fromB.isEmpty(), "nothing answered before the acceptor decides");
            assertFalse(f.isDone());
            BulkReceiver server = new BulkReceiver();
            pending.get(0).accept(server);
            assertTrue(net.run(f::isDone, Duration.ofSeconds(5)));
            assertFalse(f.isCompletedExceptionally());
            assertTrue(net.run(() -> server.connection != null, Duration.ofSeconds(1)));
            assertEquals(TcpState.ESTABLISHED, server.connection.state());
        }
    }

    @Test
    void rejectedSynIsRefused() {
        try (SimNet net = new SimNet(72)) {
            net.b.listen(80, TcpAcceptRequest::reject);
            CompletableFuture<TcpConnection> f = net.a.connect(new InetSocketAddress(SimNet.B4.toInetAddress(), 80), null);
            assertTrue(net.run(f::isDone, Duration.ofSeconds(5)));
            assertTrue(f.isCompletedExceptionally());
            assertEquals(0, net.b.tcpConnectionCount());
        }
    }

    @Test
    void undecidedSynIsRejectedAfterTheAcceptTimeout() {
        try (SimNet net = new SimNet(73, c -> c.acceptTimeout(Duration.ofSeconds(4)))) {
            net.b.listen(80, req -> { /* never decides */ });
            CompletableFuture<TcpConnection> f = net.a.connect(new InetSocketAddress(SimNet.B4.toInetAddress(), 80), null);
            long start = net.loop.nanoTime();
            assertTrue(net.run(f::isDone, Duration.ofSeconds(30)));
            assertTrue(f.isCompletedExceptionally());
            assertEquals(4, (net.loop.nanoTime() - start) / 1_000_000_000L);
            assertEquals(0, net.b.tcpConnectionCount());
        }
    }

    @Test
    void routedDestinationsGoToTheRoutedAcceptorOnly() {
        try (SimNet net = new SimNet(74)) {
            net.b.setRoutedPrefixes(PrefixSet.parse("203.0.113.0/24"));
            List<TcpAcceptRequest> routed = new ArrayList<>();
            net.b.setRoutedTcpAcceptor(req -> {
                routed.add(req);
                req.accept(new BulkReceiver());
            });
            net.b.setLocalTcpAcceptor(req -> req.accept(new BulkReceiver()));
            CompletableFuture<TcpConnection> lan = net.a.connect(new InetSocketAddress("203.0.113.7", 5432), null);
            CompletableFuture<TcpConnection> elsewhere = net.a.connect(new InetSocketAddress("198.51.100.7", 5432), null);
            CompletableFuture<TcpConnection> local = net.a.connect(new InetSocketAddress(SimNet.B4.toInetAddress(), 5432), null);
            assertTrue(net.run(() -> lan.isDone() && local.isDone(), Duration.ofSeconds(5)));
            assertFalse(lan.isCompletedExceptionally());
            assertFalse(local.isCompletedExceptionally());
            assertEquals(1, routed.size());
            assertFalse(routed.get(0).isLocalDestination());
            assertEquals("203.0.113.7", routed.get(0).localIp().toString());
            assertEquals(5432, routed.get(0).localPort());
            assertFalse(elsewhere.isDone(), "not ours: dropped silently, the SYN is retransmitted");
            assertTrue(net.b.counters().get(Counter.IN_NOT_FOR_US) >= 1);
        }
    }

    @Test
    void connectionCapRefusesNewSynsWithResetAndLogsIt() {
        List<String> warnings = new ArrayList<>();
        Logger jul = Logger.getLogger(TcpDemux.class.getName());
        Handler h = new Handler() {
            @Override public void publish(LogRecord r) { warnings.add(r.getMessage()); }
            @Override public void flush() {}
            @Override public void close() {}
        };
        jul.addHandler(h);
        try (SimNet net = new SimNet(75, a -> {}, b -> b.maxTcpConnections(5))) {
            List<BulkReceiver> servers = new ArrayList<>();
            net.b.listen(80, req -> {
                BulkReceiver r = new BulkReceiver();
                servers.add(r);
                req.accept(r);
            });
            List<CompletableFuture<TcpConnection>> clients = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                clients.add(net.a.connect(new InetSocketAddress(SimNet.B4.toInetAddress(), 80), null));
            }
            assertTrue(net.run(() -> clients.stream().allMatch(CompletableFuture::isDone), Duration.ofSeconds(5)));
            assertEquals(5, clients.stream().filter(f -> !f.isCompletedExceptionally()).count());
            assertEquals(3, net.b.counters().get(Counter.TCP_CONNECTION_LIMIT));
            assertTrue(warnings.stream().anyMatch(m -> m.contains("TCP connection limit of 5 reached")), warnings.toString());

            // Freeing one slot lets the next connection in.
            assertTrue(net.run(() -> servers.stream().allMatch(r -> r.connection != null), Duration.ofSeconds(1)));
            servers.get(0).connection.abort();
            net.runFor(Duration.ofMillis(100));
            CompletableFuture<TcpConnection> again = net.a.connect(new InetSocketAddress(SimNet.B4.toInetAddress(), 80), null);
            assertTrue(net.run(again::isDone, Duration.ofSeconds(5)));
            assertFalse(again.isCompletedExceptionally());
        } finally {
            jul.removeHandler(h);
        }
    }
}
