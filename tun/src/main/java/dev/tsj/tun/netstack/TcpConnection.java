package dev.tsj.tun.netstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * One TCP connection of the stack, and the non-blocking socket API on it. Every method
 * must be called on the stack's loop (from a {@link TcpHandler} callback, or through
 * {@link #loop()}.execute); {@link TcpStream} wraps a connection for blocking use from
 * any thread.
 *
 * <p>Backpressure is end to end: {@link #write} takes no more than the bounded send
 * buffer holds, and data the application does not {@link #read} stays in the bounded
 * receive buffer while the window advertised to the peer shrinks to zero.
 *
 * <p>The protocol lives in {@link TcpInput} (segment arrival), {@link TcpOutput}
 * (segment generation) and {@link TcpTimers}; this class holds the state they share.
 */
public final class TcpConnection extends FlowEntry {
    static final int EV_CONNECTED = 1;
    static final int EV_READABLE = 2;
    static final int EV_WRITABLE = 4;
    static final int EV_CLOSED = 8;

    final NetStack stack;
    final TcpDemux demux;
    final EventLoop loop;
    final NetStackConfig config;
    final boolean v4;
    TcpState state;
    TcpHandler handler = TcpHandler.NONE;
    CloseReason closeReason;
    /** Set while a passive connection waits for its acceptor (no SYN-ACK sent yet). */
    TcpAcceptRequest pendingAccept;

    // Send sequence space (RFC 9293 section 3.3.1).
    int iss;
    int sndUna;
    int sndNxt;
    /** Highest sequence number sent so far; sndNxt falls back below it after a timeout (go-back-N). */
    int sndMax;
    int sndWnd;
    int sndWl1;
    int sndWl2;
    int maxSndWnd;
    /** Window shifts in use (RFC 7323): zero unless both SYNs carried the option. */
    int sndShift;
    int rcvShift;
    /** The shift our SYN offers: the least that lets the receive buffer's size be advertised. */
    final int rcvShiftOffered;
    boolean peerOfferedWindowScale;
    boolean sackOk;
    /** Largest segment payload we send: the peer's MSS clamped to our MTU. */
    int mss;
    final ByteRing sendBuf;
    /** Sequence number of sendBuf's first byte. */
    int sendBufSeq;
    boolean finQueued;
    int finSeq;
    boolean finAcked;

    // Receive sequence space.
    int irs;
    int rcvNxt;
    /** Right edge of the window last advertised; RFC 9293 forbids moving it left. */
    int rcvAdvEdge;
    final ByteRing recvBuf;
    /** The configured receive buffer: windows are computed against it (the ring has a little slack beyond). */
    final int rcvBufLimit;
    final ReassemblyRanges reassembly;
    boolean finReceived;
    boolean oooFin;
    int oooFinSeq;
    boolean ackNow;
    int segmentsSinceAck;

    // Congestion control and RTT (RFC 5681, 6582, 6298).
    final NewReno cc = new NewReno();
    final RtoEstimator rto;
    boolean timing;
    int timedSeq;
    long timedAt;
    int retries;
    int persistBackoff;
    /** What the peer SACKed above SND.UNA. */
    final SackScoreboard scoreboard;
    /** RFC 6675 HighRxt: everything below was retransmitted in this recovery. */
    int highRxt;
    /** SND.MAX when the current round of retransmissions began: SACKs above it mean those retransmissions were lost. */
    int retransmitMark;
    boolean retransmitMarked;
    /** Set by the persist timer: send what fits even if it is a silly-window-sized segment. */
    boolean forceSend;

    // Application-side settings and state.
    boolean appClosed;
    boolean noDelay = true;
    boolean keepAlive;
    long idleTimeoutNanos;
    boolean writeBlocked;
    long lastReceived;
    long lastActivity;
    int keepAliveProbes;
    /** Zero-window probes sent since the peer last said anything. */
    int unansweredProbes;

    // Stack bookkeeping.
    int pendingEvents;
    boolean queuedForEvents;
    boolean queuedForOutput;
    boolean waitingForSink;
    boolean countedActive;

    final Timer rtxTimer = new Timer(() -> TcpTimers.retransmit(this));
    final Timer persistTimer = new Timer(() -> TcpTimers.persist(this));
    final Timer delAckTimer = new Timer(() -> TcpTimers.delayedAck(this));
    final Timer keepAliveTimer = new Timer(() -> TcpTimers.keepAlive(this));
    final Timer idleTimer = new Timer(() -> TcpTimers.idle(this));
    /** TIME-WAIT, FIN-WAIT-2 and accept deadlines: at most one applies in any state. */
    final Timer lifeTimer = new Timer(() -> TcpTimers.life(this));

    TcpConnection(NetStack stack, TcpDemux demux, IpAddress local, int localPort, IpAddress remote, int remotePort,
                  TcpState initial) {
        super(local, localPort, remote, remotePort);
        this.stack = stack;
        this.demux = demux;
        this.loop = stack.loop;
        this.config = stack.config;
        this.v4 = local.isV4();
        this.state = initial;
        int shift = 0;
        while (shift < Spec.TCP_MAX_WINSHIFT && (config.tcpReceiveBuffer() >> shift) > Spec.TCP_MAX_WIN) shift++;
        this.rcvShiftOffered = shift;
        this.rcvBufLimit = config.tcpReceiveBuffer();
        this.sendBuf = new ByteRing(16 * 1024, config.tcpSendBuffer());
        // One scaled window unit of slack: a window rounded up to the scale (so that the right
        // edge never moves left) may let the peer send up to 2^shift - 1 bytes past the limit.
        this.recvBuf = new ByteRing(16 * 1024, rcvBufLimit + (1 << shift));
        this.reassembly = new ReassemblyRanges(config.maxReassemblyRanges());
        this.scoreboard = new SackScoreboard(config.maxReassemblyRanges());
        this.rto = new RtoEstimator(config.initialRto().toNanos(), config.minRto().toNanos(), config.maxRto().toNanos());
        this.iss = stack.random.nextInt();
        this.sndUna = this.sndNxt = this.sndMax = iss;
        this.sendBufSeq = iss + 1;
        this.mss = config.mssFor(v4);
        this.idleTimeoutNanos = config.tcpIdleTimeout().toNanos();
        this.lastReceived = this.lastActivity = loop.nanoTime();
    }

    // ---- Public API (loop thread only) ----

    /** The loop that owns this connection; run code touching it there. */
    public EventLoop loop() {
        return loop;
    }

    public TcpState state() {
        return state;
    }

    /** Why the connection ended, or null while it is open. */
    public CloseReason closeReason() {
        return closeReason;
    }

    public InetSocketAddress localAddress() {
        return new InetSocketAddress(local.toInetAddress(), localPort);
    }

    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress(remote.toInetAddress(), remotePort);
    }

    public void setHandler(TcpHandler handler) {
        checkLoop();
        this.handler = handler == null ? TcpHandler.NONE : handler;
    }

    /**
     * Reads up to {@code len} bytes. Returns the count, 0 when nothing is waiting, or -1
     * at end of stream (the peer's FIN, all data read).
     *
     * @throws IOException when the connection was reset, timed out or aborted
     */
    public int read(byte[] b, int off, int len) throws IOException {
        checkLoop();
        if (recvBuf.size() == 0 || len == 0) return emptyReadResult(len);
        int n = recvBuf.read(b, off, len);
        TcpInput.applicationRead(this);
        return n;
    }

    public int read(ByteBuffer dst) throws IOException {
        checkLoop();
        if (recvBuf.size() == 0 || !dst.hasRemaining()) return emptyReadResult(dst.remaining());
        int n = recvBuf.read(dst);
        TcpInput.applicationRead(this);
        return n;
    }

    private int emptyReadResult(int wanted) throws IOException {
        if (closeReason != null && closeReason != CloseReason.NORMAL) throw new IOException(closeReason.message());
        if (finReceived && recvBuf.size() == 0) return -1;
        return 0;
    }

    /**
     * Queues up to {@code len} bytes for sending; returns how many the send buffer took
     * (0 when it is full: wait for {@link TcpHandler#onWritable}).
     *
     * @throws IOException when output was shut down or the connection has ended
     */
    public int write(byte[] b, int off, int len) throws IOException {
        checkWritable();
        int n = sendBuf.append(b, off, len);
        afterWrite(n, len);
        return n;
    }

    public int write(ByteBuffer src) throws IOException {
        checkWritable();
        int len = src.remaining();
        int n = sendBuf.append(src);
        afterWrite(n, len);
        return n;
    }

    private void checkWritable() throws IOException {
        checkLoop();
        if (closeReason != null && closeReason != CloseReason.NORMAL) throw new IOException(closeReason.message());
        if (finQueued || appClosed || !(state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED
                || state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT)) {
            throw new IOException("connection output is shut down");
        }
    }

    private void afterWrite(int accepted, int offered) {
        if (accepted < offered) writeBlocked = true;
        if (accepted > 0) {
            lastActivity = loop.nanoTime();
            demux.scheduleOutput(this);
        }
    }

    /** Bytes the send buffer can still take. */
    public int sendBufferFree() {
        return sendBuf.free();
    }

    /** Bytes written but not yet acknowledged by the peer. */
    public int sendBuffered() {
        return sendBuf.size();
    }

    /** Bytes received and not yet read by the application. */
    public int receiveBuffered() {
        return recvBuf.size();
    }

    /** Sends FIN once everything written so far has been sent (half-close). */
    public void shutdownOutput() {
        checkLoop();
        if (finQueued) return;
        switch (state) {
            case SYN_SENT, SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT -> {
                finQueued = true;
                finSeq = sendBufSeq + sendBuf.size();
                demux.scheduleOutput(this);
            }
            default -> { }
        }
    }

    /**
     * Closes both directions. Unread received data makes this an abort (RST), as
     * RFC 2525 section 2.17 asks; data arriving afterwards is answered with RST too.
     */
    public void close() {
        checkLoop();
        if (state == TcpState.CLOSED || state == TcpState.TIME_WAIT || appClosed) return;
        appClosed = true;
        if (recvBuf.size() > 0 || state == TcpState.SYN_SENT || pendingAccept != null) {
            abort();
            return;
        }
        shutdownOutput();
        if (state == TcpState.FIN_WAIT_2) TcpTimers.armFinWait2(this);
    }

    /** Resets the connection now: RST to the peer, buffers dropped. */
    public void abort() {
        checkLoop();
        if (state == TcpState.CLOSED) return;
        appClosed = true;
        if (state != TcpState.TIME_WAIT && state != TcpState.SYN_SENT && pendingAccept == null) {
            TcpOutput.sendReset(this);
        }
        terminate(CloseReason.ABORTED);
    }

    /** Disables (true, the default) or enables Nagle's algorithm. */
    public void setNoDelay(boolean on) {
        checkLoop();
        noDelay = on;
    }

    /** Turns keepalive probes on with the stack's configured idle, interval and count. */
    public void setKeepAlive(boolean on) {
        checkLoop();
        keepAlive = on;
        TcpTimers.armKeepAlive(this);
    }

    /** Resets the connection after this long without traffic; zero disables. */
    public void setIdleTimeout(Duration timeout) {
        checkLoop();
        idleTimeoutNanos = timeout.toNanos();
        TcpTimers.armIdle(this);
    }

    /** The payload size of a full segment. */
    public int mss() {
        return mss;
    }

    /** The peer's advertised window, scaled. */
    public int sendWindow() {
        return sndWnd;
    }

    public int congestionWindow() {
        return cc.cwnd;
    }

    /** Free space in the receive buffer as windows count it. */
    int receiveSpace() {
        return Math.max(0, rcvBufLimit - recvBuf.size());
    }

    /** The window this side advertises now. */
    public int receiveWindow() {
        return Math.max(0, rcvAdvEdge - rcvNxt);
    }

    /** Whether window scaling was negotiated, and the shifts in use. */
    public int sendWindowShift() {
        return sndShift;
    }

    public int receiveWindowShift() {
        return rcvShift;
    }

    public boolean sackPermitted() {
        return sackOk;
    }

    /** A one-line dump of the protocol state, for logs and test failures. */
    public String debugState() {
        return this + " una=" + (sndUna - iss) + " nxt=" + (sndNxt - iss) + " max=" + (sndMax - iss)
                + " sndWnd=" + sndWnd + " cwnd=" + cc.cwnd + " ssthresh=" + cc.ssthresh + " recovery=" + cc.inRecovery
                + " dup=" + cc.dupAcks + " sendBuf=" + sendBuf.size() + " fin=" + finQueued + "/" + finAcked
                + " rcvNxt=" + (rcvNxt - irs) + " rcvWnd=" + receiveWindow() + " recvBuf=" + recvBuf.size()
                + " ooo=" + reassembly.count() + " finRcvd=" + finReceived + " rto=" + rto.rto() / 1_000_000 + "ms"
                + " rtx=" + rtxTimer.armed() + " persist=" + persistTimer.armed() + " retries=" + retries
                + " sink=" + waitingForSink + " queuedOut=" + queuedForOutput;
    }

    @Override
    public String toString() {
        return "tcp " + local + ":" + localPort + " <-> " + remote + ":" + remotePort + " " + state;
    }

    private void checkLoop() {
        if (!loop.inLoop()) throw new IllegalStateException("TcpConnection used off its loop thread; use loop().execute or TcpStream");
    }

    // ---- Lifecycle (used by TcpInput/TcpOutput/TcpTimers/TcpDemux) ----

    void acceptPendingSyn(TcpHandler h) {
        if (pendingAccept == null || state != TcpState.SYN_RECEIVED) return;
        pendingAccept = null;
        handler = h == null ? TcpHandler.NONE : h;
        loop.cancel(lifeTimer);
        TcpOutput.sendSyn(this);
        stack.counters.inc(Counter.TCP_CONNECTIONS_ACCEPTED);
    }

    void rejectPendingSyn(CloseReason reason) {
        if (pendingAccept == null || state != TcpState.SYN_RECEIVED) return;
        pendingAccept = null;
        TcpOutput.sendReset(this);
        terminate(reason);
    }

    void establish() {
        state = TcpState.ESTABLISHED;
        post(EV_CONNECTED);
        TcpTimers.armKeepAlive(this);
        TcpTimers.armIdle(this);
    }

    /** Moves to TIME-WAIT (RFC 9293): the buffers go, the 4-tuple stays reserved for 2 MSL. */
    void enterTimeWait() {
        loop.remove(rtxTimer);
        loop.remove(persistTimer);
        loop.remove(keepAliveTimer);
        loop.remove(idleTimer);
        sendBuf.release();
        if (!demux.admitTimeWait(this)) {
            terminate(CloseReason.NORMAL);
            return;
        }
        state = TcpState.TIME_WAIT;
        loop.arm(lifeTimer, loop.nanoTime() + config.timeWait().toNanos());
        closeReason = CloseReason.NORMAL;
        post(EV_CLOSED);
    }

    /** Ends the connection for good: out of the table, timers unlinked, handler told once. */
    void terminate(CloseReason reason) {
        if (state == TcpState.CLOSED) return;
        boolean wasTimeWait = state == TcpState.TIME_WAIT;
        state = TcpState.CLOSED;
        pendingAccept = null;
        loop.remove(rtxTimer);
        loop.remove(persistTimer);
        loop.remove(delAckTimer);
        loop.remove(keepAliveTimer);
        loop.remove(idleTimer);
        loop.remove(lifeTimer);
        sendBuf.release();
        reassembly.clear();
        scoreboard.clear();
        if (reason != CloseReason.NORMAL) recvBuf.release();
        demux.remove(this, wasTimeWait);
        if (!wasTimeWait) {
            closeReason = reason;
            post(EV_CLOSED);
        }
    }

    /** Queues a callback for the end of the loop turn, so handlers never run inside segment processing. */
    void post(int event) {
        pendingEvents |= event;
        demux.scheduleEvents(this);
    }

    void dispatchEvents() {
        int ev = pendingEvents;
        pendingEvents = 0;
        // The handler is re-read for each event: onConnected may install another one.
        if ((ev & EV_CONNECTED) != 0) handler.onConnected(this);
        if ((ev & EV_READABLE) != 0 && !appClosed) handler.onReadable(this);
        if ((ev & EV_WRITABLE) != 0 && (ev & EV_CLOSED) == 0) handler.onWritable(this);
        if ((ev & EV_CLOSED) != 0) {
            TcpHandler h = handler;
            handler = TcpHandler.NONE;
            h.onClosed(this, closeReason);
        }
    }
}
