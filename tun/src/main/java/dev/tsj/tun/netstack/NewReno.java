package dev.tsj.tun.netstack;

/**
 * Congestion control: slow start and congestion avoidance (RFC 5681) with NewReno fast
 * recovery (RFC 6582). It decides window sizes and when to retransmit; the connection
 * does the sending.
 */
final class NewReno {
    /** A ceiling far above any window this stack can use, to keep int arithmetic safe. */
    private static final int MAX_CWND = 1 << 30;
    private static final int DUPACK_THRESHOLD = 3;

    int mss;
    int cwnd;
    int ssthresh = MAX_CWND;
    int dupAcks;
    boolean inRecovery;
    /** Recovery driven by the SACK scoreboard (RFC 6675): no window inflation, the sender picks holes. */
    boolean sackRecovery;
    /** RFC 6582 "recover": the highest sequence number sent when recovery began. */
    int recover;
    private int avoidanceCredit;

    void init(int mss, int iss) {
        this.mss = mss;
        // RFC 6928: IW = min(10*MSS, max(2*MSS, 14600)).
        this.cwnd = Math.min(10 * mss, Math.max(2 * mss, 14600));
        this.recover = iss;
    }

    /**
     * A duplicate ACK (RFC 5681 section 2 definition) arrived with {@code flight} bytes
     * outstanding. {@code sackShowsLoss} says SACK blocks prove at least DupThresh segments
     * arrived above the hole (RFC 6675's IsLost). Returns true when the caller must
     * fast-retransmit the first unacknowledged segment.
     */
    boolean onDupAck(int ack, int flight, int sndMax, boolean sackShowsLoss, boolean useSack) {
        dupAcks++;
        if (inRecovery) {
            // NewReno: each dup ACK means a segment left the network. With SACK the pipe
            // estimate counts that instead.
            if (!sackRecovery) cwnd = Math.min(MAX_CWND, cwnd + mss);
            return false;
        }
        // RFC 6582 step 2: only start recovery if the ACK covers more than "recover", so that
        // dup ACKs caused by an earlier go-back-N retransmission do not halve the window again.
        // SACK makes that guess unnecessary: blocks above the hole prove new data arrived
        // (FreeBSD skips the check for SACK connections the same way).
        if (dupAcks >= DUPACK_THRESHOLD && (Seq.gt(ack, recover) || sackShowsLoss)) {
            ssthresh = Math.max(flight / 2, 2 * mss);
            cwnd = useSack ? ssthresh : ssthresh + DUPACK_THRESHOLD * mss; // RFC 6675 section 5 step 4.2
            recover = sndMax;
            inRecovery = true;
            sackRecovery = useSack;
            return true;
        }
        return false;
    }

    /** RFC 3042 limited transmit: new segments the first two dup ACKs may release. */
    int limitedTransmitAllowance() {
        return !inRecovery && dupAcks > 0 && dupAcks < DUPACK_THRESHOLD ? dupAcks * mss : 0;
    }

    /**
     * New data was acknowledged: {@code acked} bytes, with {@code flightBefore} outstanding
     * before and {@code flightAfter} after. Returns true on a partial ACK in recovery,
     * when the caller must retransmit the next unacknowledged segment.
     */
    boolean onNewAck(int ack, int acked, int flightBefore, int flightAfter) {
        dupAcks = 0;
        if (inRecovery) {
            if (Seq.ge(ack, recover)) {
                // Full ACK (RFC 6582 step 3): deflate to ssthresh, or less when little is outstanding.
                inRecovery = false;
                cwnd = Math.min(ssthresh, Math.max(flightAfter, mss) + mss);
                return false;
            }
            if (sackRecovery) return false; // the scoreboard shows the holes; the pipe governs sending
            // Partial ACK: deflate by what was acked, add back one segment if a full one left.
            cwnd = Math.max(mss, cwnd - acked + (acked >= mss ? mss : 0));
            return true;
        }
        // Grow only when the window was actually in use (RFC 7661's idea): an
        // application-limited sender must not earn a window it never tested.
        if (flightBefore + mss < cwnd) return false;
        if (cwnd < ssthresh) {
            // Slow start, counting bytes (RFC 3465) so stretch ACKs do not slow growth.
            int room = ssthresh - cwnd;
            int grow = Math.min(acked, room);
            cwnd += grow;
            acked -= grow;
        }
        if (acked > 0) {
            // Congestion avoidance: one MSS per window of acknowledged bytes.
            avoidanceCredit += acked;
            if (avoidanceCredit >= cwnd) {
                avoidanceCredit -= cwnd;
                cwnd = Math.min(MAX_CWND, cwnd + mss);
            }
        }
        return false;
    }

    /** The retransmission timer expired (RFC 5681 (4)): back to one segment, go-back-N. */
    void onTimeout(int flight, int sndMax) {
        ssthresh = Math.max(flight / 2, 2 * mss);
        cwnd = mss;
        inRecovery = false;
        sackRecovery = false;
        dupAcks = 0;
        avoidanceCredit = 0;
        recover = sndMax;
    }
}
