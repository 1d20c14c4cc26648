package dev.tsj.tun.netstack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A reader that stops reading must throttle the writer through the window, with bounded buffers everywhere. */
class TcpBackpressureTest {
    private static final int BUFFER = 128 * 1024;

    @Test
    void slowReaderThrottlesSenderAndBuffersStayBounded() {
        try (SimNet net = new SimNet(21, c -> c.tcpSendBuffer(BUFFER).tcpReceiveBuffer(BUFFER))) {
            BulkReceiver reader = new BulkReceiver();
            reader.reading = false;
            net.b.listen(80, req -> req.accept(reader));
            long total = 8_000_000;
            BulkSender writer = new BulkSender(total, 9);
            List<Packets.Seg> fromA = Packets.capture(net.aToB);
            net.a.connect(new InetSocketAddress(SimNet.B4.toInetAddress(), 80), writer);

            // A minute of virtual time with a reader that reads nothing.
            net.runFor(Duration.ofSeconds(60));
            TcpConnection sender = writer.connection;
            TcpConnection receiver = reader.connection;
            assertEquals(0, reader.received);
            // Full: the configured size, plus at most one window-scale unit of rounding slack.
            int slack = 1 << receiver.receiveWindowShift();
            assertTrue(receiver.receiveBuffered() >= BUFFER && receiver.receiveBuffered() < BUFFER + slack,
                    "receive buffer full, not more: " + receiver.receiveBuffered());
            assertEquals(0, receiver.receiveWindow(), "window closed");
            assertEquals(0, sender.sendWindow(), "sender sees the zero window");
            assertTrue(sender.sendBuffered() <= BUFFER && sender.sendBuffered() >= BUFFER / 2, "send buffer bounded: " + sender.sendBuffered());
            // Nothing in flight, nothing lost: every written byte sits in one of the two bounded buffers.
            assertEquals(writer.written, (long) sender.sendBuffered() + receiver.receiveBuffered());
            assertTrue(writer.written <= 2L * BUFFER + slack, "the writer was stopped once both buffers filled");
            assertTrue(sender.sendBuf.capacity() <= BUFFER && receiver.recvBuf.capacity() <= BUFFER + slack, "arrays within limits");

            // Zero-window probes (SND.UNA-1, no data) keep the connection alive, backing off.
            List<Packets.Seg> probes = fromA.stream().filter(s -> s.pureAck() && s.seq() == sender.sndUna - 1).toList();
            assertTrue(probes.size() >= 3 && probes.size() < 30, "probes sent with backoff: " + probes.size());

            // The reader wakes up: everything arrives intact.
            reader.reading = true;
            reader.onReadable(receiver);
            assertTrue(net.run(() -> reader.eof, Duration.ofMinutes(10)), "transfer completes after the reader resumes");
            assertEquals(total, reader.received);
            assertArrayEquals(writer.digest(), reader.digest());
        }
    }

    @Test
    void pacedReaderGetsEverythingWithoutSillyWindows() {
        try (SimNet net = new SimNet(22, c -> c.tcpSendBuffer(BUFFER).tcpReceiveBuffer(BUFFER))) {
            BulkReceiver reader = new BulkReceiver();
            reader.reading = false; // reads only on the pacing timer below
            net.b.listen(80, req -> req.accept(reader));
            BulkSender writer = new BulkSender(3_000_000, 10);
            List<Packets.Seg> fromA = Packets.capture(net.aToB);
            net.a.connect(new InetSocketAddress(SimNet.B4.toInetAddress(), 80), writer);
            // The application reads 3000 bytes per millisecond: slower than the link.
            Timer[] pace = new Timer[1];
            pace[0] = new Timer(() -> {
                if (reader.connection != null) {
                    reader.reading = true;
                    reader.readLimitPerCall = 3000;
                    reader.onReadable(reader.connection);
                    reader.reading = false;
                }
                if (!reader.eof) net.loop.armAfter(pace[0], 1_000_000);
            });
            net.loop.armAfter(pace[0], 1_000_000);
            assertTrue(net.run(() -> reader.eof, Duration.ofHours(1)), "received " + reader.received);
            assertArrayEquals(writer.digest(), reader.digest());
            int mss = writer.connection.mss();
            long tiny = fromA.stream().filter(s -> s.payload() > 0 && s.payload() < mss / 2).count();
            long full = fromA.stream().filter(s -> s.payload() == mss).count();
            assertTrue(tiny * 20 < full, "receiver SWS avoidance keeps segments large: " + tiny + " tiny vs " + full + " full");
        }
    }
}
