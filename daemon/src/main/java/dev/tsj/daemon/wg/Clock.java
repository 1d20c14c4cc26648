package dev.tsj.daemon.wg;

import java.time.Instant;

/**
 * Time as the device sees it: a monotonic clock for timers and a wall clock for TAI64N
 * timestamps and "last handshake" times. Injected so tests can jump past 120 s in a
 * millisecond ({@link ManualClock}).
 */
public interface Clock {
    long nanoTime();

    Instant wallTime();

    Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Instant wallTime() {
            return Instant.now();
        }
    };
}
