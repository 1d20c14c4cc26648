package dev.tsj.tun.netstack.forward;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Copies bytes both ways between two {@link Duplex}es, one virtual thread per direction.
 * Backpressure is whatever the ends exert: a write blocks while the far side is full, so
 * the copying thread stops reading and its source's buffers (and TCP window) fill up.
 * End of stream on one side half-closes the other; an error resets both.
 */
public final class Relay {
    private static final int CHUNK = 32 * 1024;

    /** Bytes moved in each direction, known when the relay ends. */
    public record Totals(long aToB, long bToA) {}

    private final Duplex a;
    private final Duplex b;
    private final AtomicBoolean failed = new AtomicBoolean();
    private final AtomicInteger running = new AtomicInteger(2);
    private final CompletableFuture<Totals> done = new CompletableFuture<>();
    private volatile long aToB;
    private volatile long bToA;

    private Relay(Duplex a, Duplex b) {
        this.a = a;
        this.b = b;
    }

    /** Starts relaying; the future completes when both directions have ended and both ends are closed. */
    public static CompletableFuture<Totals> start(Duplex a, Duplex b) {
        Relay r = new Relay(a, b);
        Thread.ofVirtual().name("relay-a-b").start(() -> r.copy(a, b, true));
        Thread.ofVirtual().name("relay-b-a").start(() -> r.copy(b, a, false));
        return r.done;
    }

    private void copy(Duplex from, Duplex to, boolean forward) {
        long moved = 0;
        try {
            InputStream in = from.in();
            OutputStream out = to.out();
            byte[] buf = new byte[CHUNK];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
                moved += n;
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // One side broke: the other must not wait forever for the rest.
            if (failed.compareAndSet(false, true)) {
                a.abort();
                b.abort();
            }
        } finally {
            if (forward) aToB = moved;
            else bToA = moved;
            if (running.decrementAndGet() == 0) {
                a.close();
                b.close();
                done.complete(new Totals(aToB, bToA));
            }
        }
    }
}
