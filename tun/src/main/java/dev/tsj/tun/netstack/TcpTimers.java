package dev.tsj.tun.netstack;

/** What a connection does when one of its timers fires, and how each is armed. */
final class TcpTimers {
    private TcpTimers() {}

    /** RFC 6298 section 5: retransmit the earliest unacknowledged segment, back off, go back N. */
    static void retransmit(TcpConnection c) {
        NetStackConfig cfg = c.config;
        switch (c.state) {
            case SYN_SENT, SYN_RECEIVED -> {
                int max = c.state == TcpState.SYN_SENT ? cfg.synRetries() : cfg.synAckRetries();
                if (c.retries >= max) {
                    if (c.state == TcpState.SYN_RECEIVED) TcpOutput.sendReset(c);
                    c.terminate(CloseReason.TIMEOUT);
                    return;
                }
                c.retries++;
                c.rto.backOff();
                TcpOutput.sendSyn(c);
                return;
            }
            case CLOSED, TIME_WAIT -> {
                return;
            }
            default -> { }
        }
        if (c.sndUna == c.sndMax) return;
        if (c.retries >= cfg.maxRetransmits()) {
            TcpOutput.sendReset(c);
            c.terminate(CloseReason.TIMEOUT);
            return;
        }
        c.retries++;
        c.stack.counters.inc(Counter.TCP_RTO_EXPIRED);
        c.cc.onTimeout(c.sndMax - c.sndUna, c.sndMax);
        c.rto.backOff();
        c.timing = false;
        c.retransmitMarked = false;
        c.scoreboard.clear(); // RFC 6675 section 5.1: after a timeout, SACK information may be stale (reneging)
        c.highRxt = c.sndUna;
        c.sndNxt = c.sndUna;
        TcpOutput.retransmitFirst(c);
        c.loop.armAfter(c.rtxTimer, c.rto.rto());
    }

    /** Zero-window probing, and the override of sender SWS avoidance after a timeout. */
    static void persist(TcpConnection c) {
        if (!c.state.sendsData()) return;
        int unsent = c.sendBufSeq + c.sendBuf.size() - c.sndNxt;
        if (unsent <= 0 || c.sndNxt != c.sndUna) return;
        if (c.unansweredProbes >= c.config.maxRetransmits()) {
            TcpOutput.sendReset(c);
            c.terminate(CloseReason.TIMEOUT);
            return;
        }
        if (c.sndWnd == 0) {
            TcpOutput.sendProbe(c);
            c.unansweredProbes++;
        } else {
            c.forceSend = true;
            c.demux.scheduleOutput(c);
        }
        c.persistBackoff++;
        armPersist(c);
    }

    static void armPersist(TcpConnection c) {
        long delay = Math.min(c.config.maxRto().toNanos(), c.rto.rto() << Math.min(c.persistBackoff, 16));
        c.loop.armAfter(c.persistTimer, delay);
    }

    static void delayedAck(TcpConnection c) {
        if (c.state != TcpState.CLOSED && c.segmentsSinceAck > 0) TcpOutput.sendAck(c);
    }

    static void keepAlive(TcpConnection c) {
        if (!c.keepAlive || !keepAliveState(c.state)) return;
        NetStackConfig cfg = c.config;
        long now = c.loop.nanoTime();
        long idleFor = now - c.lastReceived;
        if (idleFor < cfg.keepAliveIdle().toNanos() || c.sndUna != c.sndMax) {
            // Traffic since, or data in flight (the retransmission timer watches that).
            c.loop.arm(c.keepAliveTimer, Math.max(now + 1, c.lastReceived + cfg.keepAliveIdle().toNanos()));
            return;
        }
        if (c.keepAliveProbes >= cfg.keepAliveCount()) {
            TcpOutput.sendReset(c);
            c.terminate(CloseReason.KEEPALIVE_TIMEOUT);
            return;
        }
        TcpOutput.sendProbe(c);
        c.keepAliveProbes++;
        c.loop.armAfter(c.keepAliveTimer, cfg.keepAliveInterval().toNanos());
    }

    static void armKeepAlive(TcpConnection c) {
        if (c.keepAlive && keepAliveState(c.state)) {
            c.loop.arm(c.keepAliveTimer, c.lastReceived + c.config.keepAliveIdle().toNanos());
        } else {
            c.loop.cancel(c.keepAliveTimer);
        }
    }

    private static boolean keepAliveState(TcpState s) {
        return s == TcpState.ESTABLISHED || s == TcpState.CLOSE_WAIT || s == TcpState.FIN_WAIT_2;
    }

    static void idle(TcpConnection c) {
        if (c.idleTimeoutNanos <= 0 || c.state == TcpState.CLOSED || c.state == TcpState.TIME_WAIT) return;
        long deadline = c.lastActivity + c.idleTimeoutNanos;
        if (c.loop.nanoTime() < deadline) {
            c.loop.arm(c.idleTimer, deadline);
            return;
        }
        TcpOutput.sendReset(c);
        c.terminate(CloseReason.IDLE_TIMEOUT);
    }

    static void armIdle(TcpConnection c) {
        if (c.idleTimeoutNanos > 0 && c.state != TcpState.CLOSED) {
            c.loop.arm(c.idleTimer, c.lastActivity + c.idleTimeoutNanos);
        } else {
            c.loop.cancel(c.idleTimer);
        }
    }

    static void armFinWait2(TcpConnection c) {
        c.loop.armAfter(c.lifeTimer, c.config.finWait2Timeout().toNanos());
    }

    /** TIME-WAIT over, FIN-WAIT-2 abandoned, or an acceptor that never decided. */
    static void life(TcpConnection c) {
        switch (c.state) {
            case TIME_WAIT -> c.terminate(CloseReason.NORMAL);
            case FIN_WAIT_2 -> c.terminate(CloseReason.TIMEOUT);
            case SYN_RECEIVED -> {
                if (c.pendingAccept != null) c.pendingAccept.expire();
            }
            default -> { }
        }
    }
}
