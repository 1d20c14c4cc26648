package dev.tsj.tun.netstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One UDP conversation (4-tuple) accepted from the tailnet, forgotten after the stack's
 * idle timeout. Replies go back with the flow's local address as source, so a subnet
 * router answers as the LAN host the peer addressed.
 */
public final class UdpFlow extends FlowEntry implements AutoCloseable {
    private final UdpLayer layer;
    private final boolean localDestination;
    UdpFlowHandler handler;
    volatile long lastActivity;
    volatile boolean closed;
    final Timer idleTimer;

    UdpFlow(UdpLayer layer, IpAddress local, int localPort, IpAddress remote, int remotePort, boolean localDestination) {
        super(local, localPort, remote, remotePort);
        this.layer = layer;
        this.localDestination = localDestination;
        this.idleTimer = new Timer(() -> layer.idleCheck(this));
        this.lastActivity = layer.stack.loop.nanoTime();
    }

    public InetSocketAddress localAddress() {
        return new InetSocketAddress(local.toInetAddress(), localPort);
    }

    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress(remote.toInetAddress(), remotePort);
    }

    public IpAddress localIp() {
        return local;
    }

    public int localPort() {
        return localPort;
    }

    /** True for the node's own addresses, false for a destination in a routed prefix. */
    public boolean isLocalDestination() {
        return localDestination;
    }

    /** Sends a datagram back to the flow's remote end; from any thread. */
    public void send(ByteBuffer payload) throws IOException {
        if (closed) throw new IOException("UDP flow closed");
        lastActivity = layer.stack.loop.nanoTime();
        layer.send(local, localPort, remote, remotePort, payload);
    }

    @Override
    public void close() {
        if (!closed) layer.stack.loop.tryRunOnLoop(() -> layer.closeFlow(this));
    }

    @Override
    public String toString() {
        return "udp " + remote + ":" + remotePort + " -> " + local + ":" + localPort;
    }
}
