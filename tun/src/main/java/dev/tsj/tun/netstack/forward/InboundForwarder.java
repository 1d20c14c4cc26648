package dev.tsj.tun.netstack.forward;

import dev.tsj.tun.netstack.NetStack;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.IntPredicate;

/**
 * Serves the node's own tailnet addresses from the host: a tailnet connection or UDP
 * flow to port P of the node goes to {@code loopback}:P on the host, so that services
 * listening on 127.0.0.1 are reachable over the tailnet as they are with a TUN device.
 * Like Tailscale, both IPv4 and IPv6 tailnet addresses map to 127.0.0.1 by default.
 * Listeners registered on the stack itself ({@link NetStack#listen}) take precedence.
 */
public final class InboundForwarder {
    /**
     * @param loopback     where to connect on the host (127.0.0.1 unless told otherwise)
     * @param ports        which ports to forward; others are refused (TCP RST, ICMP port unreachable)
     * @param dialTimeout  how long the host connection may take before the peer is refused
     */
    public record Options(InetAddress loopback, IntPredicate ports, Duration dialTimeout) {
        public static Options defaults() {
            return new Options(InetAddress.getLoopbackAddress().getAddress().length == 4
                    ? InetAddress.getLoopbackAddress() : InetAddress.ofLiteral("127.0.0.1"), p -> true, Duration.ofSeconds(5));
        }
    }

    private InboundForwarder() {}

    public static void install(NetStack stack, Options options) {
        stack.setLocalTcpAcceptor(new TcpForwarder(
                req -> options.ports().test(req.localPort()) ? new InetSocketAddress(options.loopback(), req.localPort()) : null,
                options.dialTimeout()));
        stack.setLocalUdpAcceptor(new UdpForwarder(
                flow -> options.ports().test(flow.localPort()) ? new InetSocketAddress(options.loopback(), flow.localPort()) : null));
    }

    public static void uninstall(NetStack stack) {
        stack.setLocalTcpAcceptor(null);
        stack.setLocalUdpAcceptor(null);
    }
}
