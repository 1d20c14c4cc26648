package dev.tsj.tun.netstack.proxy;

import dev.tsj.tun.netstack.forward.Duplex;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
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
        return Dialing.firstThatConnects(resolver, name, port,
                (address, p) -> (viaTailnet.test(address) ? tailnet : host).dial(address.getHostAddress(), p));
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
        private final DatagramPort viaStack;
        private final DatagramPort viaHost;
        private final DatagramInbox inbox = new DatagramInbox(256);
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
                    inbox.offer(port.receive(buf), buf);
                } catch (IOException e) {
                    return;
                }
            }
        }

        @Override
        public void send(InetSocketAddress to, ByteBuffer payload) throws IOException {
            InetSocketAddress resolved = Dialing.resolved(resolver, to);
            (viaTailnet.test(resolved.getAddress()) ? viaStack : viaHost).send(resolved, payload);
        }

        @Override
        public InetSocketAddress receive(ByteBuffer into) throws IOException {
            return inbox.receive(into);
        }

        @Override
        public void close() {
            closed = true;
            viaStack.close();
            viaHost.close();
            inbox.close();
        }
    }
}
