package dev.tsj.tun.netstack.proxy;

import dev.tsj.tun.netstack.NetStack;
import dev.tsj.tun.netstack.TcpStream;
import dev.tsj.tun.netstack.UdpEndpoint;
import dev.tsj.tun.netstack.forward.Duplex;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/** Dials through the userspace stack, i.e. into the tailnet. */
public final class TailnetDialer implements Dialer {
    /** Datagrams waiting for a slow proxy client; more are dropped. */
    private static final int UDP_QUEUE = 256;

    private final NetStack stack;
    private final Resolver resolver;
    private final Duration connectTimeout;

    public TailnetDialer(NetStack stack, Resolver resolver, Duration connectTimeout) {
        this.stack = stack;
        this.resolver = resolver;
        this.connectTimeout = connectTimeout;
    }

    @Override
    public Duplex dial(String host, int port) throws IOException {
        return Dialing.firstThatConnects(resolver, host, port,
                (address, p) -> Duplex.of(TcpStream.connect(stack, new InetSocketAddress(address, p), connectTimeout)));
    }

    @Override
    public DatagramPort openUdp() throws IOException {
        DatagramInbox inbox = new DatagramInbox(UDP_QUEUE);
        UdpEndpoint endpoint = stack.bindUdp(null, 0, (ep, from, payload) -> inbox.offer(from, payload));
        return new DatagramPort() {
            @Override
            public void send(InetSocketAddress to, ByteBuffer payload) throws IOException {
                endpoint.send(Dialing.resolved(resolver, to), payload);
            }

            @Override
            public InetSocketAddress receive(ByteBuffer into) throws IOException {
                return inbox.receive(into);
            }

            @Override
            public void close() {
                endpoint.close();
                inbox.close();
            }
        };
    }
}
