package dev.tsj.tun.netstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** A UDP socket bound on the stack: one local port, any remote. */
public final class UdpEndpoint implements AutoCloseable {
    private final UdpLayer layer;
    /** The bound address, or null for every local address. */
    final IpAddress address;
    final int port;
    final UdpHandler handler;
    volatile boolean closed;

    UdpEndpoint(UdpLayer layer, IpAddress address, int port, UdpHandler handler) {
        this.layer = layer;
        this.address = address;
        this.port = port;
        this.handler = handler;
    }

    public int port() {
        return port;
    }

    /** The bound address, or null when bound to all of the node's addresses. */
    public IpAddress address() {
        return address;
    }

    /** Sends one datagram to {@code to}; from any thread. The payload is copied. */
    public void send(InetSocketAddress to, ByteBuffer payload) throws IOException {
        if (closed) throw new IOException("UDP endpoint closed");
        IpAddress dst = IpAddress.of(to.getAddress());
        IpAddress src = address != null ? address : layer.stack.sourceAddressFor(dst);
        if (src == null) throw new IOException("netstack: no local address of the family of " + dst);
        layer.send(src, port, dst, to.getPort(), payload);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            layer.stack.loop.tryRunOnLoop(() -> layer.unbind(this));
        }
    }
}
