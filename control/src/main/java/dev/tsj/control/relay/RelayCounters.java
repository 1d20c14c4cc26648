package dev.tsj.control.relay;

import java.util.concurrent.atomic.LongAdder;

/** The relay's counters, bumped from many threads without contention (LongAdder). */
final class RelayCounters {
    final LongAdder connections = new LongAdder();
    final LongAdder packetsRelayed = new LongAdder();
    final LongAdder bytesRelayed = new LongAdder();
    final LongAdder dropsQueueFull = new LongAdder();
    final LongAdder dropsUnknownDestination = new LongAdder();
    final LongAdder malformedFrames = new LongAdder();
    final LongAdder unknownFrames = new LongAdder();
    final LongAdder badClientInfo = new LongAdder();
    final LongAdder admissionRefused = new LongAdder();
    final LongAdder admissionUnavailable = new LongAdder();
    final LongAdder replacedConnections = new LongAdder();
    final LongAdder pings = new LongAdder();
}
