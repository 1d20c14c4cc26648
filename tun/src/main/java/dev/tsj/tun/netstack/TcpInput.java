package dev.tsj.tun.netstack;

/**
 * Segment arrival for an existing connection, following RFC 9293 section 3.10.7.4 in its
 * order: sequence check, RST (with RFC 5961's exact-match rule), SYN, ACK (new data
 * acknowledged, duplicate ACKs, window update, FIN acknowledged), then text and FIN.
 */
final class TcpInput {
    /** Linux's floor (tcp_min_snd_mss is 48): a peer's tiny MSS must not force tiny segments. */
    private static final int MIN_SEND_MSS = 64;

    private TcpInput() {}

    static void segmentArrives(TcpConnection c, TcpSegment s, IpPacket ip) {
        c.lastReceived = c.loop.nanoTime();
        c.keepAliveProbes = 0;
        c.unansweredProbes = 0;
        if (s.payloadLength > 0) c.lastActivity = c.lastReceived;
        switch (c.state) {
            case CLOSED -> {
                return;
            }
            case SYN_SENT -> {
                synSent(c, s, ip);
                return;
            }
            default -> { }
        }
        if (c.pendingAccept != null) {
            // Nothing sent yet: a retransmitted SYN waits with the first; a RST means the peer gave up.
            if (s.has(Spec.TH_RST) && s.seq == c.irs + 1) c.terminate(CloseReason.RESET);
            return;
        }
        if (c.state == TcpState.SYN_RECEIVED && s.has(Spec.TH_SYN) && !s.has(Spec.TH_ACK) && s.seq == c.irs) {
            TcpOutput.sendSyn(c); // our SYN-ACK was lost: answer the retransmitted SYN
            return;
        }
        if (!acceptable(c, s.seq, s.seqLength())) {
            c.stack.counters.inc(Counter.TCP_OUT_OF_WINDOW);
            if (!s.has(Spec.TH_RST) && !s.has(Spec.TH_SYN) && s.has(Spec.TH_ACK) && Seq.le(s.seq + s.seqLength(), c.rcvNxt)
                    && c.state != TcpState.SYN_RECEIVED && !processAck(c, s)) {
                // An old segment (a retransmission we already have) still carries a current
                // ACK, as BSD has always honoured; its data is dropped below.
                return;
            }
            if (!s.has(Spec.TH_RST)) {
                if (c.state == TcpState.TIME_WAIT && s.has(Spec.TH_FIN)) {
                    c.loop.arm(c.lifeTimer, c.loop.nanoTime() + c.config.timeWait().toNanos());
                }
                TcpOutput.sendAck(c);
            }
            return;
        }
        if (s.has(Spec.TH_RST)) {
            if (s.seq == c.rcvNxt) {
                // RFC 1337: a RST must not cut TIME-WAIT short.
                if (c.state != TcpState.TIME_WAIT) c.terminate(CloseReason.RESET);
            } else {
                TcpOutput.sendAck(c); // RFC 5961 section 3.2: challenge ACK for an in-window RST
            }
            return;
        }
        if (s.has(Spec.TH_SYN)) {
            TcpOutput.sendAck(c); // RFC 5961 section 4.2: challenge ACK for a SYN in a synchronized state
            return;
        }
        if (!s.has(Spec.TH_ACK)) return;
        if (c.state == TcpState.SYN_RECEIVED) {
            if (Seq.gt(s.ack, c.sndUna) && Seq.le(s.ack, c.sndMax)) {
                c.establish();
            } else {
                TcpOutput.resetFor(c.stack, ip, s);
                return;
            }
        }
        if (!processAck(c, s)) return;
        if (s.payloadLength > 0 || s.has(Spec.TH_FIN)) processText(c, s, ip);
        if (c.ackNow) {
            c.demux.scheduleOutput(c);
        } else if (c.segmentsSinceAck > 0 && !c.delAckTimer.armed()) {
            c.loop.armAfter(c.delAckTimer, c.config.delayedAck().toNanos());
        }
    }

    /**
     * The sequence check. RFC 9293's four cases, widened as Linux's tcp_sequence() does:
     * a segment may start exactly at the right edge of the window. A peer whose window
     * probe we had to drop (full buffer) sends its pure ACKs with SEQ = RCV.NXT + RCV.WND;
     * the strict test would drop those ACKs, and with them the acknowledgements of our data.
     * A segment exactly at RCV.NXT is always looked at (its ACK matters even if its data
     * does not fit).
     */
    static boolean acceptable(TcpConnection c, int seq, int len) {
        if (seq == c.rcvNxt) return true;
        int edge = Seq.max(c.rcvAdvEdge, c.rcvNxt);
        if (len == 0) return Seq.ge(seq, c.rcvNxt) && Seq.le(seq, edge);
        return Seq.le(seq, edge) && Seq.gt(seq + len, c.rcvNxt);
    }

    /** Reads the SYN's options and fixes what the connection will use (RFC 7323, RFC 2018, MSS clamp). */
    static void negotiate(TcpConnection c, TcpSegment s) {
        int peerMss = s.mss > 0 ? s.mss : c.v4 ? Spec.TCP_DEFAULT_MSS_V4 : Spec.TCP_DEFAULT_MSS_V6;
        c.mss = Math.max(MIN_SEND_MSS, Math.min(peerMss, c.config.mssFor(c.v4)));
        if (c.config.windowScaling() && s.windowShift >= 0) {
            c.peerOfferedWindowScale = true;
            c.sndShift = s.windowShift;
            c.rcvShift = c.rcvShiftOffered;
        } else {
            c.sndShift = 0;
            c.rcvShift = 0;
        }
        c.sackOk = c.config.sack() && s.sackPermitted;
        c.cc.init(c.mss, c.iss);
    }

    private static void synSent(TcpConnection c, TcpSegment s, IpPacket ip) {
        boolean ackOk = Seq.gt(s.ack, c.iss) && Seq.le(s.ack, c.sndMax);
        if (s.has(Spec.TH_ACK) && !ackOk) {
            TcpOutput.resetFor(c.stack, ip, s);
            return;
        }
        if (s.has(Spec.TH_RST)) {
            if (s.has(Spec.TH_ACK)) c.terminate(CloseReason.REFUSED);
            return;
        }
        if (!s.has(Spec.TH_SYN)) return;
        c.irs = s.seq;
        c.rcvNxt = s.seq + 1;
        // Our SYN offered min(buffer, 64 KiB) unscaled; that is the window the peer now holds.
        c.rcvAdvEdge = c.rcvNxt + Math.min(c.receiveSpace(), Spec.TCP_MAX_WIN);
        negotiate(c, s);
        // RFC 7323 section 2.2: the window in a SYN is never scaled.
        c.sndWnd = s.window;
        c.maxSndWnd = s.window;
        c.sndWl1 = s.seq;
        c.sndWl2 = s.ack;
        if (s.has(Spec.TH_ACK)) {
            newAck(c, s.ack);
            c.retries = 0;
            c.establish();
            c.ackNow = true;
            c.demux.scheduleOutput(c);
        } else {
            // Simultaneous open (RFC 9293 figure 7).
            c.state = TcpState.SYN_RECEIVED;
            TcpOutput.sendSyn(c);
        }
    }

    /** Returns false when the rest of the segment must be ignored. */
    private static boolean processAck(TcpConnection c, TcpSegment s) {
        int ack = s.ack;
        if (Seq.gt(ack, c.sndMax)) {
            c.ackNow = true; // acknowledges something never sent: answer and drop
            c.demux.scheduleOutput(c);
            return false;
        }
        int window = s.window << c.sndShift;
        if (c.sackOk) {
            // Blocks must lie above the cumulative ACK and within what was sent; others
            // (D-SACKs, stale or forged blocks) are ignored.
            for (int i = 0; i < s.sackBlocks; i++) {
                int start = s.sackStart[i];
                int end = s.sackEnd[i];
                if (Seq.lt(start, end) && Seq.gt(end, ack) && Seq.le(end, c.sndMax)) {
                    c.scoreboard.add(Seq.max(start, ack), end);
                }
            }
        }
        if (Seq.gt(ack, c.sndUna)) {
            newAck(c, ack);
        } else if (ack == c.sndUna && s.payloadLength == 0 && !s.has(Spec.TH_FIN) && window == c.sndWnd
                && c.sndMax != c.sndUna) {
            duplicateAck(c, ack);
        }
        if (Seq.lt(c.sndWl1, s.seq) || (c.sndWl1 == s.seq && Seq.le(c.sndWl2, ack))) {
            if (window > c.sndWnd) c.demux.scheduleOutput(c);
            c.sndWnd = window;
            c.sndWl1 = s.seq;
            c.sndWl2 = ack;
            if (window > c.maxSndWnd) c.maxSndWnd = window;
        }
        if (c.finAcked) {
            switch (c.state) {
                case FIN_WAIT_1 -> {
                    c.state = TcpState.FIN_WAIT_2;
                    c.loop.cancel(c.rtxTimer);
                    if (c.appClosed) TcpTimers.armFinWait2(c);
                }
                case CLOSING -> {
                    c.enterTimeWait();
                    return false;
                }
                case LAST_ACK -> {
                    c.terminate(CloseReason.NORMAL);
                    return false;
                }
                default -> { }
            }
        }
        return true;
    }

    private static void newAck(TcpConnection c, int ack) {
        int flightBefore = c.sndNxt - c.sndUna;
        int acked = ack - c.sndUna;
        if (c.timing && Seq.ge(ack, c.timedSeq)) {
            c.rto.sample(c.loop.nanoTime() - c.timedAt);
            c.timing = false;
        }
        int dataAcked = Math.min(Math.max(0, ack - c.sendBufSeq), c.sendBuf.size());
        c.sendBuf.skip(dataAcked);
        c.sendBufSeq += dataAcked;
        if (c.finQueued && Seq.gt(ack, c.finSeq)) c.finAcked = true;
        c.sndUna = ack;
        c.scoreboard.advance(ack);
        if (Seq.lt(c.highRxt, ack)) c.highRxt = ack;
        if (Seq.lt(c.sndNxt, ack)) c.sndNxt = ack;
        c.retries = 0;
        c.persistBackoff = 0;
        if (c.cc.onNewAck(ack, acked, flightBefore, c.sndNxt - c.sndUna)) {
            TcpOutput.retransmitFirst(c); // NewReno partial ACK
        } else if (c.cc.inRecovery && Seq.lt(c.sndUna, c.highRxt)) {
            // The new SND.UNA was retransmitted earlier in this round, time unknown: only
            // data sent from now on can prove that retransmission lost.
            c.retransmitMark = c.sndMax;
            c.retransmitMarked = true;
        } else {
            c.retransmitMarked = false;
        }
        if (c.sndUna == c.sndMax) c.loop.cancel(c.rtxTimer);
        else c.loop.armAfter(c.rtxTimer, c.rto.rto());
        if (c.writeBlocked && c.sendBuf.free() >= Math.max(1, c.sendBuf.limit() / 4)) {
            c.writeBlocked = false;
            c.post(TcpConnection.EV_WRITABLE);
        }
        c.demux.scheduleOutput(c);
    }

    private static void duplicateAck(TcpConnection c, int ack) {
        // RFC 6675 IsLost(SND.UNA): DupThresh segments' worth of data SACKed above it.
        boolean sackShowsLoss = c.sackOk && c.scoreboard.sackedBytes() >= 3 * c.mss;
        if (c.cc.onDupAck(ack, c.sndMax - c.sndUna, c.sndMax, sackShowsLoss, c.sackOk)) {
            c.stack.counters.inc(Counter.TCP_FAST_RETRANSMITS);
            c.highRxt = c.sndUna;
            TcpOutput.retransmitFirst(c);
            c.loop.armAfter(c.rtxTimer, c.rto.rto());
        } else if (c.cc.inRecovery && c.retransmitMarked && c.sackOk
                && Seq.gt(c.scoreboard.highest(ack), c.retransmitMark)) {
            // The peer holds data we sent after retransmitting SND.UNA, yet still asks for
            // SND.UNA: that retransmission was lost too (Linux's tcp_mark_lost_retrans).
            // Send it again now instead of waiting for the retransmission timer.
            c.stack.counters.inc(Counter.TCP_LOST_RETRANSMITS);
            TcpOutput.retransmitFirst(c);
        }
        c.demux.scheduleOutput(c); // limited transmit or an inflated window may release new data
    }


    /** Segment text and FIN: trimmed to the window, written in place, out-of-order ranges recorded. */
    private static void processText(TcpConnection c, TcpSegment s, IpPacket ip) {
        if (!c.state.receivesData()) return;
        int seq = s.seq;
        int index = s.payloadIndex;
        int len = s.payloadLength;
        boolean fin = s.has(Spec.TH_FIN);
        int old = c.rcvNxt - seq;
        if (old > 0) {
            int trim = Math.min(old, len);
            index += trim;
            len -= trim;
            seq += trim;
            if (Seq.lt(seq, c.rcvNxt)) fin = false; // the FIN itself was already received
            c.ackNow = true; // a duplicate: tell the sender at once (RFC 5681 section 4.2)
        }
        int room = Math.min(Math.max(0, c.rcvAdvEdge - c.rcvNxt), c.recvBuf.free());
        int offset = seq - c.rcvNxt;
        if (offset + len > room) {
            len = Math.max(0, room - offset);
            fin = false;
            c.ackNow = true;
        }
        if (len > 0 && c.appClosed) {
            // Nobody will read this (RFC 9293 section 3.10.4, "CLOSE" after which data arrives).
            TcpOutput.sendReset(c);
            c.terminate(CloseReason.ABORTED);
            return;
        }
        if (len > 0) {
            // Offsets count from RCV.NXT, which is the end of the bytes the application has not read yet.
            c.recvBuf.putAt(c.recvBuf.size() + offset, ip.buf, index, len);
            if (offset == 0) {
                int advance = len;
                if (!c.reassembly.isEmpty()) {
                    advance = c.reassembly.advance(len);
                    c.ackNow = true; // a hole was filled: ACK immediately (RFC 5681 section 4.2)
                } else if (++c.segmentsSinceAck >= 2) {
                    c.ackNow = true; // at least every second full segment (RFC 1122 section 4.2.3.2)
                }
                c.recvBuf.commit(advance);
                c.rcvNxt += advance;
                c.post(TcpConnection.EV_READABLE);
            } else {
                if (!c.reassembly.add(offset, offset + len)) c.stack.counters.inc(Counter.TCP_OOO_DROPPED);
                // Out of order: a duplicate ACK per segment, now, so the sender can count three.
                TcpOutput.sendAck(c);
            }
        }
        if (fin) {
            int finAt = seq + len;
            if (finAt == c.rcvNxt) {
                receiveFin(c);
            } else {
                c.oooFin = true;
                c.oooFinSeq = finAt;
            }
        }
        if (c.oooFin && !c.finReceived && c.rcvNxt == c.oooFinSeq) receiveFin(c);
    }

    private static void receiveFin(TcpConnection c) {
        c.rcvNxt += 1;
        c.finReceived = true;
        c.oooFin = false;
        c.ackNow = true;
        c.post(TcpConnection.EV_READABLE);
        switch (c.state) {
            case SYN_RECEIVED, ESTABLISHED -> c.state = TcpState.CLOSE_WAIT;
            case FIN_WAIT_1 -> {
                if (c.finAcked) c.enterTimeWait();
                else c.state = TcpState.CLOSING;
            }
            case FIN_WAIT_2 -> c.enterTimeWait();
            default -> { }
        }
        c.demux.scheduleOutput(c);
    }

    /**
     * The application read some bytes: announce the larger window if the peer may be
     * waiting for it (the window was under half the buffer and grows by at least
     * min(buffer/2, MSS), the receiver-side SWS rule of RFC 1122 section 4.2.3.3).
     */
    static void applicationRead(TcpConnection c) {
        c.lastActivity = c.loop.nanoTime();
        if (!c.state.receivesData() || c.state == TcpState.SYN_RECEIVED) return;
        int current = Math.max(0, c.rcvAdvEdge - c.rcvNxt);
        int possible = Math.min(c.receiveSpace(), Spec.TCP_MAX_WIN << c.rcvShift);
        int half = c.rcvBufLimit / 2;
        if (current < half && possible - current >= Math.min(half, c.mss)) {
            c.ackNow = true;
            c.demux.scheduleOutput(c);
        }
    }
}
