package dev.tsj.tun.netstack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The blocking stream API over two real {@link UserspaceNetDevice}s and their loop threads. */
class TcpStreamTest {
    private static final Duration CONNECT = Duration.ofSeconds(10);

    /** Echoes every byte back on each accepted connection, one virtual thread each. */
    static void echoServer(NetStack stack, int port) {
        stack.listen(port, req -> {
            TcpStream s = TcpStream.accept(req);
            Thread.ofVirtual().start(() -> {
                try (s) {
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    byte[] buf = new byte[16 * 1024];
                    int n;
                    while ((n = in.read(buf)) > 0) out.write(buf, 0, n);
                    s.shutdownOutput();
                    while (in.read(buf) >= 0) { /* drain until the peer closes */ }
                } catch (IOException ignored) {
                    // peer reset: nothing to echo
                }
            });
        });
    }

    /** Writes {@code size} seeded bytes on one thread while reading the echo on this one. */
    static void echoRoundTrip(TcpStream s, int size, long seed) throws Exception {
        byte[] data = new byte[size];
        new SplittableRandom(seed).nextBytes(data);
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                OutputStream out = s.getOutputStream();
                for (int off = 0; off < size; off += 8192) out.write(data, off, Math.min(8192, size - off));
                s.shutdownOutput();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        byte[] back = s.getInputStream().readAllBytes();
        writer.join();
        assertEquals(size, back.length);
        assertArrayEquals(data, back);
    }

    @Test
    void echoOverIpv4AndIpv6() throws Exception {
        // Pooled buffers under the build's paranoid leak detector.
        try (DevicePair pair = new DevicePair(c -> { }, io.netty.buffer.PooledByteBufAllocator.DEFAULT)) {
            echoServer(pair.stackB(), 7);
            for (IpAddress target : List.of(SimNet.B4, SimNet.B6)) {
                try (TcpStream s = TcpStream.connect(pair.stackA(), new InetSocketAddress(target.toInetAddress(), 7), CONNECT)) {
                    assertEquals(target.toInetAddress(), s.remoteAddress().getAddress());
                    echoRoundTrip(s, 3_000_000, target.hashCode());
                }
            }
        }
    }

    @Test
    void echoSurvivesPacketLossBetweenDevices() throws Exception {
        try (DevicePair pair = new DevicePair()) {
            pair.loss = 0.02;
            echoServer(pair.stackB(), 7);
            try (TcpStream s = TcpStream.connect(pair.stackA(), new InetSocketAddress(SimNet.B4.toInetAddress(), 7), CONNECT)) {
                Future<?> f = Executors.newVirtualThreadPerTaskExecutor().submit(() -> {
                    echoRoundTrip(s, 2_000_000, 5);
                    return null;
                });
                try {
                    f.get(60, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    pair.stackA().debugConnections().forEach(l -> System.out.println("A: " + l));
                    pair.stackB().debugConnections().forEach(l -> System.out.println("B: " + l));
                    throw e;
                }
            }
        }
    }

    @Test
    void fiveHundredConcurrentConnectionsOnVirtualThreads() throws Exception {
        try (DevicePair pair = new DevicePair();
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            echoServer(pair.stackB(), 7);
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                int id = i;
                results.add(pool.submit(() -> {
                    try (TcpStream s = TcpStream.connect(pair.stackA(), new InetSocketAddress(SimNet.B4.toInetAddress(), 7),
                            Duration.ofSeconds(60))) {
                        echoRoundTrip(s, 20_000 + id * 97, id);
                    }
                    return null;
                }));
            }
            for (Future<?> f : results) f.get(120, TimeUnit.SECONDS);
            assertEquals(500, pair.stackA().counters().get(Counter.TCP_CONNECTIONS_OPENED));
            assertEquals(500, pair.stackB().counters().get(Counter.TCP_CONNECTIONS_ACCEPTED));
        }
    }

    @Test
    void connectToClosedPortIsRefused() throws Exception {
        try (DevicePair pair = new DevicePair()) {
            ConnectException e = assertThrows(ConnectException.class,
                    () -> TcpStream.connect(pair.stackA(), new InetSocketAddress(SimNet.B4.toInetAddress(), 9), CONNECT));
            assertTrue(e.getMessage().contains("refused"), e.getMessage());
        }
    }

    @Test
    void readTimeoutThenDataStillArrives() throws Exception {
        try (DevicePair pair = new DevicePair()) {
            java.util.concurrent.CompletableFuture<TcpStream> server = new java.util.concurrent.CompletableFuture<>();
            pair.stackB().listen(80, req -> server.complete(TcpStream.accept(req)));
            try (TcpStream s = TcpStream.connect(pair.stackA(), new InetSocketAddress(SimNet.B4.toInetAddress(), 80), CONNECT)) {
                s.setReadTimeout(Duration.ofMillis(200));
                assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
                server.get().getOutputStream().write("late".getBytes(), 0, 4);
                s.setReadTimeout(Duration.ZERO);
                assertEquals('l', s.getInputStream().read());
            }
        }
    }
}
