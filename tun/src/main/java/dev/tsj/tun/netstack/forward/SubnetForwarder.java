package dev.tsj.tun.netstack.forward;

import dev.tsj.tun.netstack.NetStack;
import dev.tsj.tun.netstack.PrefixSet;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A userspace subnet router: tailnet traffic to addresses in the advertised routes is
 * terminated by the stack and re-opened from host sockets (so the LAN sees the router's
 * own address, like the SNAT of a kernel subnet router). TCP completes only if the LAN
 * host accepts; UDP flows are relayed until idle; pings are answered only if the LAN
 * host answers a ping from this machine.
 */
public final class SubnetForwarder {
    /**
     * @param dialTimeout  how long a host connection may take before the peer is refused
     * @param pingTimeout  how long to wait for the LAN host's echo reply
     * @param prober       how to ping LAN hosts ({@link PingForwarder#systemPing()})
     * @param maxPings     concurrent probes at most
     */
    public record Options(Duration dialTimeout, Duration pingTimeout, PingForwarder.Prober prober, int maxPings) {
        public static Options defaults() {
            return new Options(Duration.ofSeconds(5), Duration.ofSeconds(3), PingForwarder.systemPing(), 64);
        }
    }

    private SubnetForwarder() {}

    /** Routes {@code routes} into {@code stack} and forwards what arrives for them. */
    public static void install(NetStack stack, PrefixSet routes, Options options) {
        stack.setRoutedTcpAcceptor(new TcpForwarder(req -> new InetSocketAddress(req.localIp().toInetAddress(), req.localPort()),
                options.dialTimeout()));
        stack.setRoutedUdpAcceptor(new UdpForwarder(flow -> new InetSocketAddress(flow.localIp().toInetAddress(), flow.localPort())));
        stack.setEchoForwarder(new PingForwarder(options.prober(), options.pingTimeout(), options.maxPings()));
        stack.setRoutedPrefixes(routes);
    }

    /** Changes the advertised routes (netmap updates); traffic to withdrawn routes is dropped from now on. */
    public static void setRoutes(NetStack stack, PrefixSet routes) {
        stack.setRoutedPrefixes(routes);
    }

    public static void uninstall(NetStack stack) {
        stack.setRoutedPrefixes(PrefixSet.EMPTY);
        stack.setRoutedTcpAcceptor(null);
        stack.setRoutedUdpAcceptor(null);
        stack.setEchoForwarder(null);
    }
}
