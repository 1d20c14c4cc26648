package dev.tsj.tun.netstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.tun.netstack.forward.InboundForwarder;
import dev.tsj.tun.netstack.forward.SubnetForwarder;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The forwarders between two real devices: node A reaches services on B's host through
 * B's stack. The subnet router's "LAN" is 127.0.0.0/8, so nothing leaves the machine.
 */
class ForwarderTest {
    private static final Duration CONNECT = Duration.ofSeconds(10);

    private static String udpRoundTrip(NetStack from, InetSocketAddress to, String message) throws Exception {
        LinkedBlockingQueue<String> replies = new LinkedBlockingQueue<>();
        UdpEndpoint ep = from.bindUdp(null, 0, (e, sender, payload) -> {
            byte[] b = new byte[payload.remaining()];
            payload.get(b);
            replies.add(sender + " " + new String(b, StandardCharsets.UTF_8));
        });
        try (ep) {
            ep.send(to, ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)));
            return replies.poll(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void inboundTcpReachesHostLoopbackFromBothTailnetAddresses() throws Exception {
        try (DevicePair pair = new DevicePair(); HostServers.TcpEcho echo = new HostServers.TcpEcho()) {
            InboundForwarder.install(pair.stackB(), InboundForwarder.Options.defaults());
            for (IpAddress node : java.util.List.of(SimNet.B4, SimNet.B6)) {
                try (TcpStream s = TcpStream.connect(pair.stackA(), new InetSocketAddress(node.toInetAddress(), echo.port()), CONNECT)) {
                    TcpStreamTest.echoRoundTrip(s, 1_500_000, echo.port());
                }
            }
            assertEquals(2, echo.clients.size());
        }
    }

    @Test
    void inboundToAClosedHostPortIsRefusedToThePeer() throws Exception {
        try (DevicePair pair = new DevicePair()) {
            InboundForwarder.install(pair.stackB(), InboundForwarder.Options.defaults());
            int port = HostServers.closedPort();
            ConnectException e = assertThrows(ConnectException.class,
                    () -> TcpStream.connect(pair.stackA(), new InetSocketAddress(SimNet.B4.toInetAddress(), port), CONNECT));
            assertTrue(e.getMessage().contains("refused"), e.getMessage());
        }
    }

    @Test
    void inboundForwardingHonoursThePortFilter() throws Exception {
        try (DevicePair pair = new DevicePair(); HostServers.TcpEcho echo = new HostServers.TcpEcho()) {
            InboundForwarder.install(pair.stackB(), new InboundForwarder.Options(HostServers.LOOPBACK, p -> p == 22,
                    Duration.ofSeconds(5)));
            assertThrows(ConnectException.class,
                    () -> TcpStream.connect(pair.stackA(), new InetSocketAddress(SimNet.B4.toInetAddress(), echo.port()), CONNECT));
            assertEquals(0, echo.clients.size());
        }
    }

    @Test
    void inboundUdpReachesHostLoopback() throws Exception {
        try (DevicePair pair = new DevicePair(); HostServers.UdpEcho echo = new HostServers.UdpEcho()) {
            InboundForwarder.install(pair.stackB(), InboundForwarder.Options.defaults());
            InetSocketAddress node = new InetSocketAddress(SimNet.B4.toInetAddress(), echo.port());
            assertEquals("/100.64.0.2:" + echo.port() + " echo:hi", udpRoundTrip(pair.stackA(), node, "hi"));
        }
    }

    @Test
    void subnetRouterRelaysTcpToLanHostsFromItsOwnAddress() throws Exception {
        try (DevicePair pair = new DevicePair(); HostServers.TcpEcho lanHost = new HostServers.TcpEcho()) {
            SubnetForwarder.install(pair.stackB(), PrefixSet.parse("127.0.0.0/8"), SubnetForwarder.Options.defaults());
            try (TcpStream s = TcpStream.connect(pair.stackA(), new InetSocketAddress(HostServers.LOOPBACK, lanHost.port()), CONNECT)) {
                assertEquals(new InetSocketAddress(HostServers.LOOPBACK, lanHost.port()), s.remoteAddress());
                TcpStreamTest.echoRoundTrip(s, 2_000_000, 77);
            }
            // The LAN host saw the router's host socket, not the tailnet peer.
            SocketAddress client = lanHost.clients.get(0);
            assertEquals(HostServers.LOOPBACK, ((InetSocketAddress) client).getAddress());
            int closed = HostServers.closedPort();
            assertThrows(ConnectException.class,
                    () -> TcpStream.connect(pair.stackA(), new InetSocketAddress(HostServers.LOOPBACK, closed), CONNECT),
                    "a refusing LAN host is a refused connection for the peer");
        }
    }

    @Test
    void subnetRouterRelaysUdp() throws Exception {
        try (DevicePair pair = new DevicePair(); HostServers.UdpEcho lanHost = new HostServers.UdpEcho()) {
            SubnetForwarder.install(pair.stackB(), PrefixSet.parse("127.0.0.0/8"), SubnetForwarder.Options.defaults());
            InetSocketAddress target = new InetSocketAddress(HostServers.LOOPBACK, lanHost.port());
            assertEquals("/127.0.0.1:" + lanHost.port() + " echo:dns?", udpRoundTrip(pair.stackA(), target, "dns?"));
        }
    }

    @Test
    void subnetRouterAnswersPingsOnlyForLiveHosts() throws Exception {
        try (DevicePair pair = new DevicePair()) {
            SubnetForwarder.install(pair.stackB(), PrefixSet.parse("127.0.0.0/8"), SubnetForwarder.Options.defaults());
            Duration rtt = pair.stackA().ping(HostServers.LOOPBACK, 32, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
            assertTrue(rtt.toMillis() < 5000, "answered after the system ping of 127.0.0.1 succeeded: " + rtt);

            // A prober that finds nobody home: no reply is invented.
            SubnetForwarder.install(pair.stackB(), PrefixSet.parse("127.0.0.0/8"),
                    new SubnetForwarder.Options(Duration.ofSeconds(5), Duration.ofSeconds(1), (target, timeout) -> false, 8));
            CompletableFuture<Duration> dead = pair.stackA().ping(InetAddress.ofLiteral("127.0.0.2"), 32, Duration.ofSeconds(1));
            ExecutionException e = assertThrows(ExecutionException.class, () -> dead.get(5, TimeUnit.SECONDS));
            assertInstanceOf(TimeoutException.class, e.getCause());
        }
    }
}
