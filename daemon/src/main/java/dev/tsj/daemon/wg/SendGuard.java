package dev.tsj.daemon.wg;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps the socket's descriptor alive while a thread sends on it directly: the bind's
 * close waits for sends in flight before Netty closes the descriptor, so a send can never
 * reach a descriptor number the process has already reused for another file.
 */
final class SendGuard {
    private static final int CLOSED = 1 << 30;
    private static final long DRAIN_NANOS = 2_000_000_000L;

    /** {@link #CLOSED} bit plus the number of sends in flight. */
    private final AtomicInteger state = new AtomicInteger();

    /** True when the caller may use the descriptor; it must then call {@link #exit}. */
    boolean enter() {
        if (state.incrementAndGet() >= CLOSED) {
            state.decrementAndGet();
            return false;
        }
        return true;
    }

    void exit() {
        state.decrementAndGet();
    }

    boolean closed() {
        return state.get() >= CLOSED;
    }

    /** Refuses new sends and waits (bounded) for those in flight to leave. */
    void closeAndDrain() {
        state.getAndAdd(CLOSED);
        long deadline = System.nanoTime() + DRAIN_NANOS;
        while (state.get() != CLOSED && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }
}
