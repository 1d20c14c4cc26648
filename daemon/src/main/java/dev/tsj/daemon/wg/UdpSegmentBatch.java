package dev.tsj.daemon.wg;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Outgoing datagrams gathered for one send, with UDP generic segmentation offload: a run
 * of datagrams to the same address, all of one size (the last may be shorter), leaves as
 * one {@code sendmsg} with {@code UDP_SEGMENT}, which the kernel cuts into datagrams as late
 * as it can. A TSO super-packet read from the TUN becomes one such run, so one system call
 * and one trip through the UDP stack carry some 45 packets.
 *
 * <p>Owned by one thread, reused for every send: the only allocations are one pooled
 * direct buffer and one message object per run, not per packet.
 */
final class UdpSegmentBatch implements UdpBind.Batch {
    /** Linux's UDP_MAX_SEGMENTS: the most segments one GSO send may carry. */
    static final int MAX_SEGMENTS = 64;
    /** The largest UDP payload over IPv4 (65535 less the IP and UDP headers); GSO sends stay within it. */
    static final int MAX_GSO_BYTES = 65535 - 20 - 8;

    private final Channel channel;
    private final UdpSegmentation segmentation;
    private DatagramPacket[] ready = new DatagramPacket[16];
    private int readyCount;
    private int expected = 1;

    // The run being built.
    private ByteBuf run;
    private InetSocketAddress runTo;
    private int segmentSize;
    private int segments;
    /** A shorter datagram ends a run: only the last segment may be short. */
    private boolean runClosed;

    UdpSegmentBatch(Channel channel, UdpSegmentation segmentation) {
        this.channel = channel;
        this.segmentation = segmentation;
    }

    @Override
    public void expect(int packets) {
        expected = Math.max(1, packets);
    }

    @Override
    public void add(InetSocketAddress to, ByteBuffer data, int offset, int length) {
        if (!fitsRun(to, length)) {
            endRun();
            int capacity = segmentation.enabled() ? Math.min(MAX_GSO_BYTES, length * Math.min(expected, MAX_SEGMENTS)) : length;
            run = channel.alloc().directBuffer(Math.max(capacity, length));
            runTo = to;
            segmentSize = length;
            segments = 0;
            runClosed = false;
        }
        run.writeBytes(data.duplicate().clear().position(offset).limit(offset + length));
        segments++;
        runClosed = length < segmentSize;
        expected = Math.max(1, expected - 1);
    }

    private boolean fitsRun(InetSocketAddress to, int length) {
        return run != null && segmentation.enabled() && !runClosed && segments < MAX_SEGMENTS
                && length <= segmentSize && run.writerIndex() + length <= MAX_GSO_BYTES
                && run.writableBytes() >= length && to.equals(runTo);
    }

    private void endRun() {
        if (run == null) {
            return;
        }
        DatagramPacket p = segments > 1 ? new SegmentedDatagramPacket(run, segmentSize, runTo) : new DatagramPacket(run, runTo);
        if (readyCount == ready.length) {
            ready = Arrays.copyOf(ready, 2 * ready.length);
        }
        ready[readyCount++] = p;
        run = null;
        runTo = null;
    }

    @Override
    public int size() {
        return readyCount + (run == null ? 0 : 1);
    }

    @Override
    public void send() {
        endRun();
        if (readyCount == 0) {
            return;
        }
        DatagramPacket[] out = Arrays.copyOf(ready, readyCount);
        Arrays.fill(ready, 0, readyCount, null);
        readyCount = 0;
        expected = 1;
        channel.eventLoop().execute(() -> {
            for (DatagramPacket p : out) {
                if (p instanceof SegmentedDatagramPacket) {
                    channel.write(p).addListener(segmentation);
                } else {
                    channel.write(p, channel.voidPromise());
                }
            }
            channel.flush();
        });
    }
}
