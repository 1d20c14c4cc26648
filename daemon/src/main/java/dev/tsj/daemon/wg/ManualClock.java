package dev.tsj.daemon.wg;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to: real time plus an adjustable offset. */
public final class ManualClock implements Clock {
    private final AtomicLong offsetNanos = new AtomicLong();

    @Override
    public long nanoTime() {
        return System.nanoTime() + offsetNanos.get();
    }

    @Override
    public Instant wallTime() {
        return Instant.now().plusNanos(offsetNanos.get());
    }

    /** Jumps both clocks forward. */
    public void advance(Duration d) {
        offsetNanos.addAndGet(d.toNanos());
    }
}
