package dev.tsj.tun.netstack.proxy;

import dev.tsj.tun.netstack.forward.Duplex;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;

/** Dials through the host's own network stack. */
public final class HostDialer implements Dialer {
    private final Resolver resolver;
    private final Duration connectTimeout;

    public HostDialer(Resolver resolver, Duration connectTimeout) {
        this.resolver = resolver;
        this.connectTimeout = connectTimeout;
    }

    @Override
    public Duplex dial(String host, int port) throws IOException {
        IOException last = null;
        for (var address : resolver.resolve(host)) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(address, port), (int) connectTimeout.toMillis());
                s.setTcpNoDelay(true);
                return Duplex.of(s);
            } catch (IOException e) {
                s.close();
                last = e;
            }
        }
        throw last != null ? last : new IOException("no address for " + host);
    }

    @Override
    public DatagramPort openUdp() throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        channel.bind(null);
        return new DatagramPort() {
            @Override
            public void send(InetSocketAddress to, ByteBuffer payload) throws IOException {
                InetSocketAddress resolved = to.isUnresolved()
                        ? new InetSocketAddress(resolver.resolve(to.getHostString()).getFirst(), to.getPort()) : to;
                channel.send(payload, resolved);
            }

            @Override
            public InetSocketAddress receive(ByteBuffer into) throws IOException {
                into.clear();
                SocketAddress from = channel.receive(into);
                into.flip();
                return (InetSocketAddress) from;
            }

            @Override
            public void close() {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        };
    }
}
