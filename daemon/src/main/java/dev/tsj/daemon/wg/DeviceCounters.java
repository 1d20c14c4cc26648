package dev.tsj.daemon.wg;

import java.util.concurrent.atomic.LongAdder;

/** Device-wide event counts, for status, tests and benchmarks. */
public final class DeviceCounters {
    final LongAdder handshakesProcessed = new LongAdder();
    final LongAdder handshakesDroppedQueueFull = new LongAdder();
    final LongAdder handshakesRateLimited = new LongAdder();
    final LongAdder cookieRepliesSent = new LongAdder();
    final LongAdder invalidMac = new LongAdder();
    final LongAdder droppedMalformed = new LongAdder();
    final LongAdder droppedUnknownIndex = new LongAdder();
    final LongAdder droppedDecrypt = new LongAdder();
    final LongAdder droppedReplay = new LongAdder();
    final LongAdder droppedSourceNotAllowed = new LongAdder();
    final LongAdder droppedNoPeer = new LongAdder();
    final LongAdder droppedNoEndpoint = new LongAdder();
    /** Datagrams the kernel refused to send (no route, a firewall) or that could not be addressed. */
    final LongAdder droppedSendFailed = new LongAdder();
    final LongAdder droppedByFilter = new LongAdder();

    /** Packets from the tunnel the policy did not allow. */
    public long droppedByFilter() {
        return droppedByFilter.sum();
    }

    /** Initiations and responses that reached the expensive Noise step. */
    public long handshakesProcessed() {
        return handshakesProcessed.sum();
    }

    public long cookieRepliesSent() {
        return cookieRepliesSent.sum();
    }

    public long handshakesRateLimited() {
        return handshakesRateLimited.sum();
    }

    public long droppedReplay() {
        return droppedReplay.sum();
    }

    public long droppedDecrypt() {
        return droppedDecrypt.sum();
    }

    public long droppedMalformed() {
        return droppedMalformed.sum();
    }

    public long droppedUnknownIndex() {
        return droppedUnknownIndex.sum();
    }

    public long droppedSourceNotAllowed() {
        return droppedSourceNotAllowed.sum();
    }

    public long invalidMac() {
        return invalidMac.sum();
    }

    public long droppedNoPeer() {
        return droppedNoPeer.sum();
    }

    public long droppedSendFailed() {
        return droppedSendFailed.sum();
    }
}
