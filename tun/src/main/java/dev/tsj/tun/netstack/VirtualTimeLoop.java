package dev.tsj.tun.netstack;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * An {@link EventLoop} on a virtual clock, driven by the thread that created it: time
 * jumps straight to the next timer whenever there is nothing else to do. Tests use it to
 * run retransmission timeouts, TIME-WAIT and keepalives deterministically and fast.
 */
public final class VirtualTimeLoop extends EventLoop {
    private final Thread owner = Thread.currentThread();
    private long now = 1_000_000_000L;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public boolean inLoop() {
        return Thread.currentThread() == owner;
    }

    @Override
    public void wakeup() {
        // The driving thread polls the queues itself.
    }

    /**
     * Runs until {@code done} holds or {@code maxVirtual} of virtual time has passed.
     *
     * @return whether {@code done} held
     */
    public boolean runUntil(BooleanSupplier done, Duration maxVirtual) {
        long limit = now + maxVirtual.toNanos();
        while (!done.getAsBoolean()) {
            if (runOnce() || hasPendingWork()) continue;
            long next = timers.nextDeadline();
            if (next > limit) {
                now = limit;
                runOnce();
                return done.getAsBoolean();
            }
            now = Math.max(now, next);
        }
        return true;
    }

    /** Runs everything due within the next {@code d} of virtual time. */
    public void advance(Duration d) {
        runUntil(() -> false, d);
    }

    @Override
    public void close() {
        closed = true;
        drainTasks();
    }
}
