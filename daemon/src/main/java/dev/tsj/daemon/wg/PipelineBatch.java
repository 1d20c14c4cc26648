package dev.tsj.daemon.wg;

import dev.tsj.crypto.ChaChaPoly;
import java.util.concurrent.locks.LockSupport;

/**
 * A batch of packets travelling reader -> crypto worker -> output thread. The worker
 * marks it done and wakes the output thread, which waits for batches in reading order.
 * Reused for the life of its path: ownership passes with the queues, never shared.
 */
abstract class PipelineBatch implements CryptoWorkers.Job {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(PipelineBatch.class.getName());
    /** Spins before parking: a batch is usually tens of microseconds from done. */
    private static final int SPINS = 200;

    private volatile boolean done;
    private volatile Thread waiter;

    /** Seals or opens the packets with {@code aead}; called by exactly one thread. */
    protected abstract void process(ChaChaPoly aead);

    @Override
    public final void run(ChaChaPoly aead) {
        try {
            process(aead);
        } finally {
            done = true;
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
    }

    /** Before handing the batch to a worker. */
    final void reset() {
        done = false;
    }

    /** Waits (spinning, then parked) until a worker is done with this batch; false if interrupted first. */
    final boolean awaitDone() {
        for (int i = 0; i < SPINS && !done; i++) {
            Thread.onSpinWait();
        }
        if (done) {
            return true;
        }
        waiter = Thread.currentThread();
        try {
            while (!done) {
                LockSupport.park(this);
                if (Thread.currentThread().isInterrupted()) {
                    return done;
                }
            }
            return true;
        } finally {
            waiter = null;
        }
    }

    /**
     * An output thread's loop: takes batches in reading order, waits for each to be done
     * and hands it to {@code output}, until the device closes or the thread is interrupted.
     */
    static <B extends PipelineBatch> void drainInOrder(java.util.concurrent.BlockingQueue<B> inOrder,
                                                       java.util.function.BooleanSupplier closed,
                                                       java.util.function.Consumer<B> output) {
        while (!closed.getAsBoolean()) {
            B b;
            try {
                b = inOrder.take();
            } catch (InterruptedException e) {
                return;
            }
            if (!b.awaitDone()) {
                return;
            }
            try {
                output.accept(b); // returns the batch to its pool whatever happens
            } catch (RuntimeException e) {
                // One bad batch must not stop the path: without this thread no batch comes back.
                LOG.warning(Thread.currentThread().getName() + ": " + e);
            }
        }
    }
}
