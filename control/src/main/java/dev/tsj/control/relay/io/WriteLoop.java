package dev.tsj.control.relay.io;

import dev.tsj.control.relay.proto.Frames;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The writer of one relay connection, the same on both ends: takes frames from the
 * queue into a batch, writes the batch when the queue runs dry or the batch is full,
 * and sends a keepalive after a quiet keepalive interval. Returns when told to stop, or
 * (when draining) once the queue is empty; an I/O error propagates.
 */
public final class WriteLoop {
    private WriteLoop() {}

    private static final byte[] KEEPALIVE = Frames.keepAlive();
    private static final int BATCH = 64 * 1024;

    /** What the loop asks of its connection. */
    public interface Connection {
        /** Stop now (closed). */
        boolean stopped();

        /** Stop once the queue is empty (a last frame is being delivered). */
        boolean draining();

        /** Called for each frame written, before its buffer is released (for counters). */
        void written(byte[] frame, int length);
    }

    public static void run(OutboundQueue queue, OutputStream out, long keepAliveNanos, Connection c) throws IOException {
        FrameSink sink = new FrameSink(out, BATCH);
        long lastWrite = System.nanoTime();
        while (!c.stopped()) {
            byte[] f = queue.poll();
            if (f != null) {
                int len = OutboundQueue.frameLength(f);
                sink.write(f, 0, len);
                c.written(f, len);
                queue.release(f);
                continue;
            }
            long now = System.nanoTime();
            if (!sink.isEmpty()) {
                sink.flush();
                lastWrite = now;
            }
            if (c.draining()) {
                return;
            }
            long idle = now - lastWrite;
            if (idle >= keepAliveNanos) {
                sink.write(KEEPALIVE, 0, KEEPALIVE.length);
                sink.flush();
                lastWrite = now;
            } else {
                queue.awaitWork(keepAliveNanos - idle);
            }
        }
    }
}
