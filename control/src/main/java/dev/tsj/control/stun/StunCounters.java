package dev.tsj.control.stun;

import java.util.concurrent.atomic.LongAdder;

/** What the STUN responders of one server have answered (shared by both ports). */
public final class StunCounters {
    final LongAdder requests = new LongAdder();
    final LongAdder malformed = new LongAdder();

    public long requests() {
        return requests.sum();
    }

    public long malformed() {
        return malformed.sum();
    }
}
