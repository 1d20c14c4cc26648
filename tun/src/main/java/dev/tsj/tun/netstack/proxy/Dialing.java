package dev.tsj.tun.netstack.proxy;

import dev.tsj.tun.netstack.forward.Duplex;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** What every dialer does the same way: try each address of a name in turn, resolve unresolved targets. */
final class Dialing {
    private Dialing() {}

    /** Opens a connection to one address. */
    @FunctionalInterface
    interface AddressDialer {
        Duplex dial(InetAddress address, int port) throws IOException;
    }

    /** Dials the addresses of {@code host} in the resolver's order; the first that connects wins. */
    static Duplex firstThatConnects(Resolver resolver, String host, int port, AddressDialer dialer) throws IOException {
        IOException last = null;
        for (InetAddress address : resolver.resolve(host)) {
            try {
                return dialer.dial(address, port);
            } catch (IOException e) {
                last = e;
            }
        }
        throw last != null ? last : new IOException("no address for " + host);
    }

    static InetSocketAddress resolved(Resolver resolver, InetSocketAddress to) throws IOException {
        return to.isUnresolved() ? new InetSocketAddress(resolver.resolve(to.getHostString()).getFirst(), to.getPort()) : to;
    }
}
