package dev.tsj.tun.netstack.proxy;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/** A bounded queue of received datagrams with a blocking {@link DatagramPort#receive}; full means dropped, as UDP does. */
final class DatagramInbox {
    private record Datagram(InetSocketAddress from, byte[] data) {}

    private static final Datagram CLOSED = new Datagram(null, null);
    private final BlockingQueue<Datagram> queue;

    DatagramInbox(int capacity) {
        queue = new ArrayBlockingQueue<>(capacity);
    }

    /** Queues a copy of {@code payload}'s remaining bytes. */
    void offer(InetSocketAddress from, ByteBuffer payload) {
        byte[] copy = new byte[payload.remaining()];
        payload.get(copy);
        queue.offer(new Datagram(from, copy));
    }

    InetSocketAddress receive(ByteBuffer into) throws ClosedChannelException {
        try {
            Datagram d = queue.take();
            if (d == CLOSED) {
                queue.offer(CLOSED); // every later receive fails too
                throw new ClosedChannelException();
            }
            into.clear();
            into.put(d.data, 0, Math.min(d.data.length, into.remaining()));
            into.flip();
            return d.from;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClosedChannelException();
        }
    }

    void close() {
        queue.clear();
        queue.offer(CLOSED);
    }
}
