package dev.tsj.tun.netstack;

import io.netty.buffer.ByteBuf;

/**
 * Everything a connection sends: SYN and SYN-ACK with their options, data segments under
 * the congestion and peer windows (with sender-side silly-window avoidance, RFC 1122
 * section 4.2.3.4, and optional Nagle), retransmissions, ACKs with SACK blocks, window
 * probes and resets.
 */
final class TcpOutput {
    private TcpOutput() {}

    /** Sends as much as the windows allow, then a pure ACK if one is still owed. */
    static void output(TcpConnection c) {
        switch (c.state) {
            case SYN_SENT, SYN_RECEIVED, CLOSED -> {
                return;
            }
            case FIN_WAIT_2, TIME_WAIT -> {
                if (c.ackNow) sendAck(c);
                return;
            }
            default -> { }
        }
        if (c.cc.inRecovery && c.cc.sackRecovery) {
            sackRecoveryOutput(c);
        } else {
            while (sendNew(c, Math.min(c.cc.cwnd + c.cc.limitedTransmitAllowance(), c.sndWnd) - (c.sndNxt - c.sndUna))) {
                // as long as the windows allow
            }
        }
        if (c.ackNow) sendAck(c);
        // Data waits and nothing is in flight to bring an ACK that would release it: only
        // the persist timer (zero-window probing, RFC 9293 section 3.8.6.1) can move it.
        int unsent = c.sendBufSeq + c.sendBuf.size() - c.sndNxt;
        if (unsent > 0 && c.sndNxt == c.sndUna && !c.rtxTimer.armed() && !c.persistTimer.armed()) {
            TcpTimers.armPersist(c);
        }
    }

    /**
     * Sends one segment of new data (or the FIN) if the congestion {@code allowance}, the
     * peer's window and silly-window avoidance let it; returns whether it did.
     */
    private static boolean sendNew(TcpConnection c, int allowance) {
        int dataEnd = c.sendBufSeq + c.sendBuf.size();
        int unsent = Math.max(0, dataEnd - c.sndNxt);
        boolean finToSend = c.finQueued && !c.finAcked && Seq.le(c.sndNxt, c.finSeq);
        if (unsent == 0 && !finToSend) return false;
        int peerRoom = c.sndUna + c.sndWnd - c.sndNxt;
        int len = Math.min(Math.min(c.mss, unsent), Math.max(0, Math.min(allowance, peerRoom)));
        int inFlight = c.sndNxt - c.sndUna;
        if (unsent > 0) {
            if (len <= 0) return false;
            boolean fullSegment = len == c.mss;
            boolean everything = len == unsent;
            // Silly-window avoidance: a short segment that leaves data behind waits for
            // a larger window unless it is half the largest window the peer ever offered.
            if (!fullSegment && !everything && len < c.maxSndWnd / 2 && !c.forceSend) return false;
            // Nagle (only when the application asked for it): one small segment in flight at a time.
            if (!fullSegment && everything && !c.noDelay && inFlight > 0 && !finToSend) return false;
        }
        if (!c.stack.sinkHasRoom()) {
            c.demux.waitForSink(c);
            return false;
        }
        boolean fin = finToSend && c.sndNxt + len == c.finSeq;
        if (len == 0 && !fin) return false;
        int flags = Spec.TH_ACK | (fin ? Spec.TH_FIN : 0) | (len > 0 && len == unsent ? Spec.TH_PUSH : 0);
        boolean retransmission = Seq.lt(c.sndNxt, c.sndMax);
        transmit(c, flags, c.sndNxt, len);
        if (retransmission) {
            c.stack.counters.inc(Counter.TCP_RETRANSMITS);
        } else if (!c.timing && len > 0) {
            c.timing = true;
            c.timedSeq = c.sndNxt + len;
            c.timedAt = c.loop.nanoTime();
        }
        c.sndNxt += len + (fin ? 1 : 0);
        if (Seq.gt(c.sndNxt, c.sndMax)) c.sndMax = c.sndNxt;
        if (fin) {
            if (c.state == TcpState.ESTABLISHED) c.state = TcpState.FIN_WAIT_1;
            else if (c.state == TcpState.CLOSE_WAIT) c.state = TcpState.LAST_ACK;
        }
        if (!c.rtxTimer.armed()) c.loop.armAfter(c.rtxTimer, c.rto.rto());
        c.loop.cancel(c.persistTimer);
        c.forceSend = false;
        return true;
    }

    /**
     * Loss recovery with the SACK scoreboard (RFC 6675 section 5): while the congestion
     * window exceeds the estimated pipe by a segment, send by NextSeg's rules: first a
     * hole below the lost boundary not yet retransmitted, then new data, then (rescue)
     * any hole below the highest SACKed byte. Several holes are repaired per round trip,
     * where NewReno repairs one.
     */
    private static void sackRecoveryOutput(TcpConnection c) {
        SackScoreboard sb = c.scoreboard;
        int lostThreshold = 3 * c.mss;
        while (true) {
            int lostBoundary = sb.lostBoundary(c.sndUna, lostThreshold);
            int room = c.cc.cwnd - pipe(c, lostBoundary);
            if (room < c.mss) return;
            int hole = sb.nextUnsacked(Seq.max(c.sndUna, c.highRxt));
            int dataEnd = c.sendBufSeq + c.sendBuf.size();
            if (Seq.lt(hole, lostBoundary) && Seq.lt(hole, dataEnd)) {
                int holeEnd = sb.holeEnd(hole);
                retransmit(c, hole, Math.min(c.mss, Math.min(holeEnd, dataEnd) - hole));
                continue;
            }
            if (sendNew(c, room)) continue;
            int highest = sb.highest(c.sndUna);
            if (Seq.lt(hole, highest) && Seq.lt(hole, dataEnd)) {
                retransmit(c, hole, Math.min(c.mss, Math.min(sb.holeEnd(hole), dataEnd) - hole));
                continue;
            }
            return;
        }
    }

    /**
     * RFC 6675 "pipe": bytes believed in the network. Every unSACKed byte not yet deemed
     * lost counts once, and once more if it was retransmitted in this recovery.
     */
    private static int pipe(TcpConnection c, int lostBoundary) {
        SackScoreboard sb = c.scoreboard;
        int outstanding = c.sndMax - c.sndUna;
        int lost = Seq.gt(lostBoundary, c.sndUna) ? (lostBoundary - c.sndUna) - sb.sackedBelow(lostBoundary) : 0;
        int retransmitted = Seq.gt(c.highRxt, c.sndUna) ? (c.highRxt - c.sndUna) - sb.sackedBelow(c.highRxt) : 0;
        return outstanding - sb.sackedBytes() - lost + retransmitted;
    }

    /** SYN (active open) or SYN-ACK (passive), first transmission or retransmission. */
    static void sendSyn(TcpConnection c) {
        boolean passive = c.state == TcpState.SYN_RECEIVED;
        boolean first = c.sndMax == c.iss;
        transmit(c, passive ? Spec.TH_SYN | Spec.TH_ACK : Spec.TH_SYN, c.iss, 0);
        c.sndNxt = c.iss + 1;
        c.sndMax = c.iss + 1;
        if (first) {
            c.timing = true;
            c.timedSeq = c.iss + 1;
            c.timedAt = c.loop.nanoTime();
        } else {
            c.timing = false;
            c.stack.counters.inc(Counter.TCP_RETRANSMITS);
        }
        c.loop.armAfter(c.rtxTimer, c.rto.rto());
    }

    /** Retransmits the segment at SND.UNA (fast retransmit, partial ACK, RTO). */
    static void retransmitFirst(TcpConnection c) {
        int dataEnd = c.sendBufSeq + c.sendBuf.size();
        retransmit(c, c.sndUna, Math.min(c.mss, Math.max(0, dataEnd - c.sndUna)));
    }

    /** Sends {@code len} bytes at {@code seq} again (and the FIN if they end there). */
    private static void retransmit(TcpConnection c, int seq, int len) {
        boolean fin = c.finQueued && !c.finAcked && seq + len == c.finSeq && Seq.gt(c.sndMax, c.finSeq);
        if (len == 0 && !fin) return;
        transmit(c, Spec.TH_ACK | (fin ? Spec.TH_FIN : 0), seq, len);
        c.timing = false; // Karn: no RTT sample from anything sent twice
        c.stack.counters.inc(Counter.TCP_RETRANSMITS);
        int end = seq + len + (fin ? 1 : 0);
        if (Seq.lt(c.sndNxt, end)) c.sndNxt = end;
        if (Seq.lt(c.highRxt, end)) c.highRxt = end;
        if (seq == c.sndUna) {
            // Anything sent from here on that the peer SACKs while SND.UNA stays put means
            // this retransmission was lost too.
            c.retransmitMark = c.sndMax;
            c.retransmitMarked = true;
        }
    }

    /**
     * A pure ACK carries SND.MAX, not SND.NXT: after a timeout SND.NXT falls back to
     * SND.UNA (go-back-N), below what the peer may already have received, and an ACK with
     * such an old sequence number would fail the peer's acceptability test.
     */
    static void sendAck(TcpConnection c) {
        transmit(c, Spec.TH_ACK, c.sndMax, 0);
    }

    /** A segment the peer must answer with an ACK: SND.UNA-1, no data (window probes, keepalives). */
    static void sendProbe(TcpConnection c) {
        transmit(c, Spec.TH_ACK, c.sndUna - 1, 0);
    }

    static void sendReset(TcpConnection c) {
        transmit(c, Spec.TH_RST | Spec.TH_ACK, c.sndMax, 0); // SND.MAX: RFC 5961 wants it exactly at the peer's RCV.NXT
        c.stack.counters.inc(Counter.TCP_RESETS_SENT);
    }

    /** RFC 9293 section 3.10.7.1: the answer to a segment that matches no connection. */
    static void resetFor(NetStack s, IpPacket ip, TcpSegment seg) {
        if (seg.has(Spec.TH_RST)) return;
        int seq, ack, flags;
        if (seg.has(Spec.TH_ACK)) {
            seq = seg.ack;
            ack = 0;
            flags = Spec.TH_RST;
        } else {
            seq = 0;
            ack = seg.seq + seg.seqLength();
            flags = Spec.TH_RST | Spec.TH_ACK;
        }
        ByteBuf b = header(s, ip.dstHi, ip.dstLo, ip.srcHi, ip.srcLo, seg.dstPort, seg.srcPort, seq, ack, flags, 0, 0, 0);
        finish(s, b, ip.dstHi, ip.dstLo, ip.srcHi, ip.srcLo);
        s.counters.inc(Counter.TCP_RESETS_SENT);
    }

    /** Builds and emits one segment of connection {@code c}. Clears any ACK owed. */
    private static void transmit(TcpConnection c, int flags, int seq, int len) {
        boolean syn = (flags & Spec.TH_SYN) != 0;
        int sackBlocks = syn || !c.sackOk ? 0 : Math.min(3, c.reassembly.count());
        int optLen = syn ? synOptionsLength(c) : sackBlocks > 0 ? 4 + 8 * sackBlocks : 0;
        int window = syn ? Math.min(c.receiveSpace(), Spec.TCP_MAX_WIN) : windowField(c);
        if (syn) c.rcvAdvEdge = c.rcvNxt + window;
        int ack = (flags & Spec.TH_ACK) != 0 ? c.rcvNxt : 0;
        IpAddress l = c.local;
        IpAddress r = c.remote;
        ByteBuf b = header(c.stack, l.hi(), l.lo(), r.hi(), r.lo(), c.localPort, c.remotePort, seq, ack, flags, window,
                optLen, len);
        if (syn) writeSynOptions(c, b);
        else if (sackBlocks > 0) writeSackBlocks(c, b, sackBlocks);
        if (len > 0) c.sendBuf.copyTo(seq - c.sendBufSeq, b, len);
        finish(c.stack, b, l.hi(), l.lo(), r.hi(), r.lo());
        if ((flags & Spec.TH_ACK) != 0) {
            c.ackNow = false;
            c.segmentsSinceAck = 0;
            c.loop.cancel(c.delAckTimer);
        }
        if (len > 0) c.lastActivity = c.loop.nanoTime();
    }

    private static ByteBuf header(NetStack s, long sHi, long sLo, long dHi, long dLo, int sport, int dport,
                                  int seq, int ack, int flags, int window, int optLen, int dataLen) {
        int headerLen = Spec.TCP_MIN_HEADER_LEN + optLen;
        ByteBuf b = IpWriter.begin(s.alloc, sHi, sLo, dHi, dLo, Spec.IPPROTO_TCP, headerLen + dataLen, s.nextIpId());
        b.writeShort(sport);
        b.writeShort(dport);
        b.writeInt(seq);
        b.writeInt(ack);
        b.writeShort(((headerLen / 4) << 12) | flags);
        b.writeShort(window);
        b.writeShort(0); // checksum, filled in by finish
        b.writeShort(0); // urgent pointer
        return b;
    }

    private static void finish(NetStack s, ByteBuf b, long sHi, long sLo, long dHi, long dLo) {
        IpWriter.finishChecksum(b, sHi, sLo, dHi, dLo, Spec.IPPROTO_TCP, 16);
        s.counters.inc(Counter.TCP_SEGMENTS_OUT);
        s.emit(b);
    }

    /**
     * The window field for a non-SYN segment, recording the right edge it advertises.
     * Receiver-side silly-window avoidance (RFC 1122 section 4.2.3.3): the right edge moves
     * only by at least min(buffer/2, MSS), and it never moves left (RFC 9293 section 3.8.6.2.2).
     */
    static int windowField(TcpConnection c) {
        int current = Math.max(0, c.rcvAdvEdge - c.rcvNxt);
        int possible = Math.min(c.receiveSpace(), Spec.TCP_MAX_WIN << c.rcvShift);
        int window = possible;
        if (window - current < Math.min(c.rcvBufLimit / 2, c.mss)) window = current;
        int field;
        if (window <= current) {
            // Round up so that scaling never shrinks what was already offered.
            field = (current + (1 << c.rcvShift) - 1) >>> c.rcvShift;
        } else {
            field = window >>> c.rcvShift;
        }
        field = Math.min(field, Spec.TCP_MAX_WIN);
        int edge = c.rcvNxt + (field << c.rcvShift);
        if (Seq.gt(edge, c.rcvAdvEdge)) c.rcvAdvEdge = edge;
        return field;
    }

    private static int synOptionsLength(TcpConnection c) {
        boolean active = c.state == TcpState.SYN_SENT;
        int len = Spec.TCPOLEN_MAXSEG;
        if (c.config.windowScaling() && (active || c.peerOfferedWindowScale)) len += 4;
        if (c.config.sack() && (active || c.sackOk)) len += 4;
        return len;
    }

    private static void writeSynOptions(TcpConnection c, ByteBuf b) {
        boolean active = c.state == TcpState.SYN_SENT;
        b.writeByte(Spec.TCPOPT_MAXSEG);
        b.writeByte(Spec.TCPOLEN_MAXSEG);
        b.writeShort(c.config.mssFor(c.v4));
        if (c.config.windowScaling() && (active || c.peerOfferedWindowScale)) {
            b.writeByte(Spec.TCPOPT_NOP);
            b.writeByte(Spec.TCPOPT_WINDOW);
            b.writeByte(Spec.TCPOLEN_WINDOW);
            b.writeByte(c.rcvShiftOffered);
        }
        if (c.config.sack() && (active || c.sackOk)) {
            b.writeByte(Spec.TCPOPT_NOP);
            b.writeByte(Spec.TCPOPT_NOP);
            b.writeByte(Spec.TCPOPT_SACK_PERMITTED);
            b.writeByte(Spec.TCPOLEN_SACK_PERMITTED);
        }
    }

    /** RFC 2018: up to three blocks, the one holding the latest arrival first. */
    private static void writeSackBlocks(TcpConnection c, ByteBuf b, int blocks) {
        ReassemblyRanges r = c.reassembly;
        b.writeByte(Spec.TCPOPT_NOP);
        b.writeByte(Spec.TCPOPT_NOP);
        b.writeByte(Spec.TCPOPT_SACK);
        b.writeByte(2 + 8 * blocks);
        int first = r.latest() >= 0 ? r.latest() : 0;
        b.writeInt(c.rcvNxt + r.start(first));
        b.writeInt(c.rcvNxt + r.end(first));
        int written = 1;
        for (int i = 0; i < r.count() && written < blocks; i++) {
            if (i == first) continue;
            b.writeInt(c.rcvNxt + r.start(i));
            b.writeInt(c.rcvNxt + r.end(i));
            written++;
        }
    }
}
