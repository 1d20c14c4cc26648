package dev.tsj.tun.netstack.proxy;

import dev.tsj.tun.netstack.forward.Duplex;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Predicate;

/**
 * Sends each destination where it belongs: tailnet addresses and accepted subnet routes
 * through the userspace stack, everything else through the host's network, which is
 * what Tailscale's userspace SOCKS5 and HTTP proxies do. Names are resolved first (the
 * resolver may know MagicDNS names); the first address that connects wins.
 */
public final class RoutingDialer implements Dialer {
    private final Resolver resolver;
    private final Predicate<InetAddress> viaTailnet;
    private final Dialer tailnet;
    private final Dialer host;

    /**
     * @param viaTailnet true for addresses that go through the tailnet (tailnet ranges, accepted routes);
     *                   the daemon supplies it from its netmap and may change what it answers at any time
     */
    public RoutingDialer(Resolver resolver, Predicate<InetAddress> viaTailnet, Dialer tailnet, Dialer host) {
        this.resolver = resolver;
        this.viaTailnet = viaTailnet;
        this.tailnet = tailnet;
        this.host = host;
    }

    @Override
    public Duplex dial(String name, int port) throws IOException {
        IOException last = null;
        for (InetAddress a : resolver.resolve(name)) {
            try {
                return (viaTailnet.test(a) ? tailnet : host).dial(a.getHostAddress(), port);
            } catch (IOException e) {
                last = e;
            }
        }
        throw last != null ? last : new IOException("no address for " + name);
    }

    @Override
    public DatagramPort openUdp() throws IOException {
        DatagramPort viaStack = tailnet.openUdp();
        DatagramPort viaHost;
        try {
            viaHost = host.openUdp();
        } catch (IOException e) {
            viaStack.close();
            throw e;
        }
        return new MergedPort(viaStack, viaHost);
    }

    /** Sends through whichever port the destination belongs to; receives from both. */
    private final class MergedPort implements DatagramPort {
        private record Datagram(InetSocketAddress from, byte[] data) {}

        private final DatagramPort viaStack;
        private final DatagramPort viaHost;
        private final BlockingQueue<Datagram> inbox = new ArrayBlockingQueue<>(256);
        private volatile boolean closed;

        MergedPort(DatagramPort viaStack, DatagramPort viaHost) {
            this.viaStack = viaStack;
            this.viaHost = viaHost;
            Thread.ofVirtual().start(() -> pump(viaStack));
            Thread.ofVirtual().start(() -> pump(viaHost));
        }

        private void pump(DatagramPort port) {
            ByteBuffer buf = ByteBuffer.allocate(65535);
            while (!closed) {
                try {
                    InetSocketAddress from = port.receive(buf);
                    byte[] copy = new byte[buf.remaining()];
                    buf.get(copy);
                    inbox.offer(new Datagram(from, copy));
                } catch (IOException e) {
                    return;
                }
            }
        }

        @Override
        public void send(InetSocketAddress to, ByteBuffer payload) throws IOException {
            InetAddress a = to.isUnresolved() ? resolver.resolve(to.getHostString()).getFirst() : to.getAddress();
            InetSocketAddress resolved = new InetSocketAddress(a, to.getPort());
            (viaTailnet.test(a) ? viaStack : viaHost).send(resolved, payload);
        }

        @Override
        public InetSocketAddress receive(ByteBuffer into) throws IOException {
            try {
                while (true) {
                    if (closed) throw new ClosedChannelException();
                    Datagram d = inbox.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                    if (d == null) continue;
                    into.clear();
                    into.put(d.data, 0, Math.min(d.data.length, into.remaining()));
                    into.flip();
                    return d.from;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClosedChannelException();
            }
        }

        @Override
        public void close() {
            closed = true;
            viaStack.close();
            viaHost.close();
        }
    }
}
