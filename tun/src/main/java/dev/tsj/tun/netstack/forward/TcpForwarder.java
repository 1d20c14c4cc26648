package dev.tsj.tun.netstack.forward;

import dev.tsj.tun.netstack.TcpAcceptRequest;
import dev.tsj.tun.netstack.TcpAcceptor;
import dev.tsj.tun.netstack.TcpStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.function.Function;

/**
 * Terminates tailnet TCP connections in the stack and re-opens them from a host socket.
 * The handshake with the tailnet peer completes only once the host connection is up, so
 * a refused or unreachable destination is reported to the peer as a refused connection
 * (RST), exactly as if it had connected directly.
 */
public final class TcpForwarder implements TcpAcceptor {
    private static final System.Logger LOG = System.getLogger(TcpForwarder.class.getName());

    private final Function<TcpAcceptRequest, InetSocketAddress> target;
    private final Duration dialTimeout;

    /**
     * @param target maps a SYN to the host address to dial, or null to refuse it
     * @param dialTimeout how long the host connection may take
     */
    public TcpForwarder(Function<TcpAcceptRequest, InetSocketAddress> target, Duration dialTimeout) {
        this.target = target;
        this.dialTimeout = dialTimeout;
    }

    @Override
    public void onSyn(TcpAcceptRequest request) {
        InetSocketAddress to = target.apply(request);
        if (to == null) {
            request.reject();
            return;
        }
        Thread.ofVirtual().name("forward-dial").start(() -> {
            Socket host = new Socket();
            try {
                host.connect(to, (int) dialTimeout.toMillis());
                host.setTcpNoDelay(true);
                host.setKeepAlive(true);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "netstack: forward " + request.remoteAddress() + " -> " + to
                        + " failed: " + e.getMessage());
                closeQuietly(host);
                request.reject();
                return;
            }
            TcpStream tailnet = TcpStream.accept(request);
            tailnet.connection().loop().tryRunOnLoop(() -> tailnet.connection().setKeepAlive(true));
            LOG.log(System.Logger.Level.DEBUG, () -> "netstack: forwarding " + request.remoteAddress() + " -> " + to);
            Relay.start(Duplex.of(tailnet), Duplex.of(host));
        });
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to release
        }
    }
}
