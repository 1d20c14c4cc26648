package dev.tsj.tun.netstack;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A SYN waiting for its acceptor's decision. Until {@link #accept} or {@link #reject},
 * the stack answers nothing (the peer's SYN retransmissions are absorbed); after the
 * stack's accept timeout it rejects by itself. Thread-safe: decide from any thread, once.
 */
public final class TcpAcceptRequest {
    private final TcpConnection connection;
    private final boolean localDestination;
    private final AtomicBoolean decided = new AtomicBoolean();

    TcpAcceptRequest(TcpConnection connection, boolean localDestination) {
        this.connection = connection;
        this.localDestination = localDestination;
    }

    /** The address the peer connected to: one of the node's own, or a routed destination. */
    public InetSocketAddress localAddress() {
        return connection.localAddress();
    }

    public InetSocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    public IpAddress localIp() {
        return connection.local;
    }

    public int localPort() {
        return connection.localPort;
    }

    public IpAddress remoteIp() {
        return connection.remote;
    }

    public int remotePort() {
        return connection.remotePort;
    }

    /** True for the node's own addresses, false for a destination in a routed prefix. */
    public boolean isLocalDestination() {
        return localDestination;
    }

    TcpConnection connection() {
        return connection;
    }

    /** Completes the handshake; {@code handler} gets onConnected, then the data. */
    public void accept(TcpHandler handler) {
        if (decided.compareAndSet(false, true)) {
            connection.loop.tryRunOnLoop(() -> connection.acceptPendingSyn(handler));
        }
    }

    /** Answers the SYN with RST. */
    public void reject() {
        if (decided.compareAndSet(false, true)) {
            connection.loop.tryRunOnLoop(() -> connection.rejectPendingSyn(CloseReason.REJECTED));
        }
    }

    /** Called by the stack when the acceptor took too long; no-op once decided. */
    void expire() {
        if (decided.compareAndSet(false, true)) {
            connection.rejectPendingSyn(CloseReason.REJECTED);
        }
    }
}
