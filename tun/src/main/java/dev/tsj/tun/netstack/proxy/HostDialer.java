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
        return Dialing.firstThatConnects(resolver, host, port, (address, p) -> {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(address, p), (int) connectTimeout.toMillis());
                s.setTcpNoDelay(true);
                return Duplex.of(s);
            } catch (IOException e) {
                s.close();
                throw e;
            }
        });
    }

    @Override
    public DatagramPort openUdp() throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        channel.bind(null);
        return new DatagramPort() {
            @Override
            public void send(InetSocketAddress to, ByteBuffer payload) throws IOException {
                channel.send(payload, Dialing.resolved(resolver, to));
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
