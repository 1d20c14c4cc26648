package dev.tsj.daemon.wg;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The device's UDP socket, batch-first: received datagrams are copied into slots the
 * {@link Sink} hands out and announced batch by batch; outgoing datagrams are gathered
 * in a {@link Batch} and sent together.
 */
public interface UdpBind extends AutoCloseable {

    /** Receives datagrams on the bind's I/O thread, one batch at a time. */
    interface Sink {
        /** A heap buffer (position 0) with room for any datagram, for the next one. */
        ByteBuffer slot();

        /** The datagram of {@code length} bytes now at index 0 of {@code slot}. */
        void datagram(ByteBuffer slot, int length, InetSocketAddress from);

        /** The end of one read batch: a good moment to flush what the datagrams produced. */
        void batchEnd();
    }

    /** Outgoing datagrams gathered by one thread; {@link #send} hands them to the socket. */
    interface Batch {
        /** A hint: about this many datagrams follow (sizes buffers for segmentation offload). */
        void expect(int packets);

        void add(InetSocketAddress to, ByteBuffer data, int offset, int length);

        int size();

        void send();
    }

    Batch newBatch();

    /**
     * A batch for the data path, reused by one thread for every send: at most
     * {@code maxPackets} datagrams of at most {@code maxPacketBytes} each between sends.
     */
    default Batch newBatch(int maxPackets, int maxPacketBytes) {
        return newBatch();
    }

    /** Sends one datagram now (handshakes, cookie replies, keepalives). */
    void send(InetSocketAddress to, byte[] data);

    int port();

    void setFwmark(int mark) throws IOException;

    /** Runs {@code task} on the thread that delivers datagrams to the {@link Sink}. */
    void execute(Runnable task);

    @Override
    void close();
}
