package dev.tsj.tun.netstack.proxy;

import dev.tsj.tun.netstack.NetStack;
import dev.tsj.tun.netstack.TcpStream;
import dev.tsj.tun.netstack.UdpEndpoint;
import dev.tsj.tun.netstack.forward.Duplex;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

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
        IOException last = null;
        for (var address : resolver.resolve(host)) {
            try {
                return Duplex.of(TcpStream.connect(stack, new InetSocketAddress(address, port), connectTimeout));
            } catch (IOException e) {
                last = e;
            }
        }
        throw last != null ? last : new IOException("no address for " + host);
    }

    @Override
    public DatagramPort openUdp() throws IOException {
        record Datagram(InetSocketAddress from, byte[] data) {}
        Datagram closed = new Datagram(null, null);
        BlockingQueue<Datagram> inbox = new ArrayBlockingQueue<>(UDP_QUEUE);
        UdpEndpoint endpoint = stack.bindUdp(null, 0, (ep, from, payload) -> {
            byte[] copy = new byte[payload.remaining()];
            payload.get(copy);
            inbox.offer(new Datagram(from, copy));
        });
        return new DatagramPort() {
            @Override
            public void send(InetSocketAddress to, ByteBuffer payload) throws IOException {
                InetSocketAddress resolved = to.isUnresolved()
                        ? new InetSocketAddress(resolver.resolve(to.getHostString()).getFirst(), to.getPort()) : to;
                endpoint.send(resolved, payload);
            }

            @Override
            public InetSocketAddress receive(ByteBuffer into) throws IOException {
                try {
                    Datagram d = inbox.take();
                    if (d == closed) {
                        inbox.offer(closed);
                        throw new ClosedChannelException();
                    }
                    into.clear();
                    into.put(d.data, 0, Math.min(d.data.length, into.remaining()));
                    into.flip();
                    return d.from;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ClosedChannelException();
                }
            }

            @Override
            public void close() {
                endpoint.close();
                inbox.clear();
                inbox.offer(closed);
            }
        };
    }
}
