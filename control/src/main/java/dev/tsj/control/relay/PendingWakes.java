package dev.tsj.control.relay;

import dev.tsj.control.relay.io.OutboundQueue;

/**
 * The destination queues one reader has filled since it last woke their writers: woken
 * together at the end of a read batch, so each writer wakes once per batch instead of
 * once per packet. Reader thread only.
 */
final class PendingWakes {
    private static final int SIZE = 8;
    private final OutboundQueue[] queues = new OutboundQueue[SIZE];
    private int n;

    void add(OutboundQueue q) {
        for (int i = 0; i < n; i++) {
            if (queues[i] == q) {
                return;
            }
        }
        if (n == SIZE) {
            wakeAll();
        }
        queues[n++] = q;
    }

    void wakeAll() {
        for (int i = 0; i < n; i++) {
            queues[i].wakeIfWaiting();
            queues[i] = null;
        }
        n = 0;
    }
}
