package dev.tsj.tun.netstack;

import io.netty.util.collection.IntObjectHashMap;
import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The TCP layer of a stack: the connection table, listeners and acceptors, passive and
 * active opens, the connection cap, and the per-turn queues of connections that owe
 * callbacks or output. Loop-confined.
 */
final class TcpDemux {
    private static final System.Logger LOG = System.getLogger(TcpDemux.class.getName());
    private static final long LIMIT_LOG_INTERVAL = 10_000_000_000L;

    private final NetStack stack;
    private final NetStackConfig config;
    final FlowTable<TcpConnection> table = new FlowTable<>();
    private final IntObjectHashMap<TcpAcceptor> listeners = new IntObjectHashMap<>();
    TcpAcceptor localAcceptor;
    TcpAcceptor routedAcceptor;
    /** Connections counted against the cap: all but TIME-WAIT. */
    private int active;
    private int timeWait;
    private final ArrayDeque<TcpConnection> needOutput = new ArrayDeque<>();
    private final ArrayDeque<TcpConnection> needEvents = new ArrayDeque<>();
    private final List<TcpConnection> sinkWaiters = new ArrayList<>();
    private long lastLimitLog = Long.MIN_VALUE;
    private long refusedSinceLog;

    TcpDemux(NetStack stack) {
        this.stack = stack;
        this.config = stack.config;
    }

    int activeConnections() {
        return active;
    }

    int timeWaitConnections() {
        return timeWait;
    }

    void listen(int port, TcpAcceptor acceptor) {
        if (acceptor == null) listeners.remove(port);
        else listeners.put(port, acceptor);
    }

    void segmentArrives(IpPacket ip, TcpSegment seg, boolean localDestination) {
        TcpConnection c = table.get(ip.dstHi, ip.dstLo, seg.dstPort, ip.srcHi, ip.srcLo, seg.srcPort);
        if (c != null) {
            // RFC 9293 section 3.6.1 / RFC 6191: a new SYN beyond the old connection's
            // sequence space may reuse a 4-tuple that is still in TIME-WAIT.
            boolean reuse = c.state == TcpState.TIME_WAIT && seg.has(Spec.TH_SYN) && !seg.has(Spec.TH_ACK)
                    && Seq.gt(seg.seq, c.rcvNxt);
            if (!reuse) {
                TcpInput.segmentArrives(c, seg, ip);
                return;
            }
            c.terminate(CloseReason.NORMAL);
        }
        if (seg.has(Spec.TH_RST)) return;
        if (!seg.has(Spec.TH_SYN) || seg.has(Spec.TH_ACK) || seg.has(Spec.TH_FIN)) {
            stack.counters.inc(Counter.TCP_NO_LISTENER);
            TcpOutput.resetFor(stack, ip, seg);
            return;
        }
        TcpAcceptor acceptor = localDestination ? listenerFor(seg.dstPort) : routedAcceptor;
        if (acceptor == null) {
            stack.counters.inc(Counter.TCP_NO_LISTENER);
            TcpOutput.resetFor(stack, ip, seg);
            return;
        }
        if (active >= config.maxTcpConnections()) {
            stack.counters.inc(Counter.TCP_CONNECTION_LIMIT);
            logLimit();
            TcpOutput.resetFor(stack, ip, seg);
            return;
        }
        c = new TcpConnection(stack, this, ip.dst(), seg.dstPort, ip.src(), seg.srcPort, TcpState.SYN_RECEIVED);
        c.irs = seg.seq;
        c.rcvNxt = seg.seq + 1;
        c.rcvAdvEdge = c.rcvNxt;
        TcpInput.negotiate(c, seg);
        c.sndWnd = seg.window; // RFC 7323 section 2.2: never scaled in a SYN
        c.maxSndWnd = seg.window;
        c.sndWl1 = seg.seq;
        c.sndWl2 = c.iss;
        add(c);
        TcpAcceptRequest request = new TcpAcceptRequest(c, localDestination);
        c.pendingAccept = request;
        stack.loop.armAfter(c.lifeTimer, config.acceptTimeout().toNanos());
        try {
            acceptor.onSyn(request);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "netstack: TCP acceptor failed; rejecting " + c, e);
            request.reject();
        }
    }

    private TcpAcceptor listenerFor(int port) {
        TcpAcceptor a = listeners.get(port);
        return a != null ? a : localAcceptor;
    }

    /** Active open: picks an ephemeral port, sends the SYN. */
    TcpConnection connect(IpAddress local, IpAddress remote, int port, TcpHandler handler) throws IOException {
        if (active >= config.maxTcpConnections()) {
            stack.counters.inc(Counter.TCP_CONNECTION_LIMIT);
            logLimit();
            throw new ConnectException("netstack: TCP connection limit (" + config.maxTcpConnections() + ") reached");
        }
        int localPort = ephemeralPort(local, remote, port);
        TcpConnection c = new TcpConnection(stack, this, local, localPort, remote, port, TcpState.SYN_SENT);
        c.handler = handler == null ? TcpHandler.NONE : handler;
        c.cc.init(c.mss, c.iss);
        add(c);
        stack.counters.inc(Counter.TCP_CONNECTIONS_OPENED);
        TcpOutput.sendSyn(c);
        return c;
    }

    private int ephemeralPort(IpAddress local, IpAddress remote, int port) throws IOException {
        int span = Spec.EPHEMERAL_PORT_LAST - Spec.EPHEMERAL_PORT_FIRST + 1;
        int start = stack.random.nextInt(span);
        for (int i = 0; i < span; i++) {
            int candidate = Spec.EPHEMERAL_PORT_FIRST + (start + i) % span;
            if (!table.contains(local, candidate, remote, port)) return candidate;
        }
        throw new IOException("netstack: no free local port towards " + remote + ":" + port);
    }

    private void add(TcpConnection c) {
        table.put(c);
        active++;
        c.countedActive = true;
    }

    /** A connection entering TIME-WAIT stops counting against the cap; false when TIME-WAIT is full. */
    boolean admitTimeWait(TcpConnection c) {
        if (timeWait >= config.maxTimeWait()) return false;
        timeWait++;
        if (c.countedActive) {
            active--;
            c.countedActive = false;
        }
        return true;
    }

    void remove(TcpConnection c, boolean wasTimeWait) {
        table.remove(c);
        if (c.countedActive) {
            active--;
            c.countedActive = false;
        }
        if (wasTimeWait) timeWait--;
    }

    void scheduleOutput(TcpConnection c) {
        if (!c.queuedForOutput) {
            c.queuedForOutput = true;
            needOutput.add(c);
        }
    }

    void scheduleEvents(TcpConnection c) {
        if (!c.queuedForEvents) {
            c.queuedForEvents = true;
            needEvents.add(c);
        }
    }

    void waitForSink(TcpConnection c) {
        if (!c.waitingForSink) {
            c.waitingForSink = true;
            sinkWaiters.add(c);
        }
    }

    /** The sink drained: everything that held back for it may send again. */
    void sinkReady() {
        for (TcpConnection c : sinkWaiters) {
            c.waitingForSink = false;
            scheduleOutput(c);
        }
        sinkWaiters.clear();
    }

    /** End of a loop turn: callbacks first (they may write), then output, until both settle. */
    void flush() {
        for (int round = 0; round < 8 && !(needEvents.isEmpty() && needOutput.isEmpty()); round++) {
            TcpConnection c;
            while ((c = needEvents.poll()) != null) {
                c.queuedForEvents = false;
                try {
                    c.dispatchEvents();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "netstack: TCP handler failed; aborting " + c, e);
                    if (c.state != TcpState.CLOSED) c.abort();
                }
            }
            while ((c = needOutput.poll()) != null) {
                c.queuedForOutput = false;
                TcpOutput.output(c);
            }
        }
    }

    void closeAll() {
        for (TcpConnection c : table.snapshot()) {
            c.terminate(CloseReason.STACK_CLOSED);
        }
        flush();
    }

    private void logLimit() {
        refusedSinceLog++;
        long now = stack.loop.nanoTime();
        if (now - lastLimitLog >= LIMIT_LOG_INTERVAL || lastLimitLog == Long.MIN_VALUE) {
            LOG.log(System.Logger.Level.WARNING, "netstack: TCP connection limit of " + config.maxTcpConnections()
                    + " reached; refusing new connections with RST (" + refusedSinceLog + " refused since last report)");
            lastLimitLog = now;
            refusedSinceLog = 0;
        }
    }
}
