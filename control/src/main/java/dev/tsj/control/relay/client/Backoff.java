package dev.tsj.control.relay.client;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Waits between connection attempts: doubling from a minimum to a maximum, each with
 * +-20% jitter so that clients of a restarted relay do not all come back in one instant.
 */
final class Backoff {
    private final long minMillis;
    private final long maxMillis;
    private long next;

    Backoff(long minMillis, long maxMillis) {
        this.minMillis = Math.max(1, minMillis);
        this.maxMillis = Math.max(this.minMillis, maxMillis);
        this.next = this.minMillis;
    }

    long nextMillis() {
        long base = next;
        next = Math.min(maxMillis, next * 2);
        long jitter = base / 5;
        return base - jitter + ThreadLocalRandom.current().nextLong(2 * jitter + 1);
    }

    void reset() {
        next = minMillis;
    }
}
