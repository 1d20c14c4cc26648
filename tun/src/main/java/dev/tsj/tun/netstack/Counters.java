package dev.tsj.tun.netstack;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The stack's counters. The loop is their only writer except for the few that device
 * threads bump ({@link #addShared}); readers on other threads see recent values.
 */
public final class Counters {
    private static final Counter[] ALL = Counter.values();
    private final AtomicLongArray values = new AtomicLongArray(ALL.length);

    /** Loop-only: a single writer needs no read-modify-write instruction. */
    void inc(Counter c) {
        int i = c.ordinal();
        values.lazySet(i, values.get(i) + 1);
    }

    /** From any thread. */
    void addShared(Counter c, long n) {
        values.addAndGet(c.ordinal(), n);
    }

    public long get(Counter c) {
        return values.get(c.ordinal());
    }

    public Map<Counter, Long> snapshot() {
        Map<Counter, Long> m = new EnumMap<>(Counter.class);
        for (Counter c : ALL) {
            m.put(c, values.get(c.ordinal()));
        }
        return m;
    }
}
