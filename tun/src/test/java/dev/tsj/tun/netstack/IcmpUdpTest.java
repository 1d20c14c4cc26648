package dev.tsj.tun.netstack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class IcmpUdpTest {

    @Test
    void pingTheOtherStackOverIpv4AndIpv6() throws Exception {
        try (SimNet net = new SimNet(91)) {
            for (IpAddress target : List.of(SimNet.B4, SimNet.B6)) {
                CompletableFuture<Duration> rtt = net.a.ping(target.toInetAddress(), 56, Duration.ofSeconds(2));
                assertTrue(net.run(rtt::isDone, Duration.ofSeconds(3)));
                Duration d = rtt.get();
                assertTrue(d.toMillis() >= 2 && d.toMillis() < 10, "two 1 ms hops: " + d);
            }
            assertEquals(2, net.b.counters().get(Counter.ICMP_ECHO_REPLIED));
        }
    }

    @Test
    void pingWithoutAnswerTimesOut() {
        try (SimNet net = new SimNet(92)) {
            CompletableFuture<Duration> rtt = net.a.ping(InetAddress.ofLiteral("100.64.7.7"), 8, Duration.ofSeconds(2));
            assertTrue(net.run(rtt::isDone, Duration.ofSeconds(3)));
            ExecutionException e = assertThrows(ExecutionException.class, rtt::get);
            assertInstanceOf(TimeoutException.class, e.getCause());
        }
    }

    @Test
    void routedPingIsAnsweredOnlyWhenTheForwarderSaysTheHostIsAlive() throws Exception {
        try (SimNet net = new SimNet(93)) {
            net.b.setRoutedPrefixes(PrefixSet.parse("203.0.113.0/24"));
            List<IpAddress> probed = new ArrayList<>();
            net.b.setEchoForwarder((src, target, reply) -> {
                probed.add(target);
                if (target.equals(IpAddress.parse("203.0.113.10"))) reply.send();
            });
            CompletableFuture<Duration> alive = net.a.ping(InetAddress.ofLiteral("203.0.113.10"), 32, Duration.ofSeconds(1));
            CompletableFuture<Duration> dead = net.a.ping(InetAddress.ofLiteral("203.0.113.11"), 32, Duration.ofSeconds(1));
            assertTrue(net.run(() -> alive.isDone() && dead.isDone(), Duration.ofSeconds(2)));
            assertFalse(alive.isCompletedExceptionally(), "the reply comes from the LAN host's address");
            assertTrue(dead.isCompletedExceptionally());
            assertEquals(List.of(IpAddress.parse("203.0.113.10"), IpAddress.parse("203.0.113.11")), probed);
        }
    }

    @Test
    void udpRequestAndReplyBetweenBoundEndpoints() throws Exception {
        try (SimNet net = new SimNet(94)) {
            net.b.bindUdp(null, 53, (ep, from, payload) -> {
                byte[] q = new byte[payload.remaining()];
                payload.get(q);
                try {
                    ep.send(from, ByteBuffer.wrap(("re:" + new String(q, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            List<String> replies = new ArrayList<>();
            List<InetSocketAddress> senders = new ArrayList<>();
            UdpEndpoint client = net.a.bindUdp(null, 0, (ep, from, payload) -> {
                byte[] r = new byte[payload.remaining()];
                payload.get(r);
                replies.add(new String(r, StandardCharsets.UTF_8));
                senders.add(from);
            });
            assertTrue(client.port() >= 49152);
            client.send(new InetSocketAddress(SimNet.B4.toInetAddress(), 53), ByteBuffer.wrap("q4".getBytes()));
            client.send(new InetSocketAddress(SimNet.B6.toInetAddress(), 53), ByteBuffer.wrap("q6".getBytes()));
            assertTrue(net.run(() -> replies.size() == 2, Duration.ofSeconds(1)));
            assertEquals(List.of("re:q4", "re:q6"), replies);
            assertEquals(new InetSocketAddress(SimNet.B4.toInetAddress(), 53), senders.get(0));
        }
    }

    @Test
    void acceptedFlowsRepliesAndIdleTimeout() throws Exception {
        try (SimNet net = new SimNet(95, c -> c.udpIdleTimeout(Duration.ofSeconds(30)))) {
            List<UdpFlow> closed = new ArrayList<>();
            net.b.setLocalUdpAcceptor(flow -> new UdpFlowHandler() {
                @Override
                public void onDatagram(UdpFlow f, ByteBuffer payload) {
                    try {
                        f.send(ByteBuffer.wrap(new byte[] {(byte) payload.remaining()}));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                @Override
                public void onClosed(UdpFlow f) {
                    closed.add(f);
                }
            });
            List<Integer> replies = new ArrayList<>();
            UdpEndpoint client = net.a.bindUdp(null, 0, (ep, from, payload) -> replies.add((int) payload.get()));
            client.send(new InetSocketAddress(SimNet.B4.toInetAddress(), 9999), ByteBuffer.allocate(7));
            client.send(new InetSocketAddress(SimNet.B4.toInetAddress(), 9999), ByteBuffer.allocate(9));
            assertTrue(net.run(() -> replies.size() == 2, Duration.ofSeconds(1)));
            assertEquals(List.of(7, 9), replies);
            assertEquals(1, net.b.udpFlowCount(), "one flow for one 4-tuple");
            net.runFor(Duration.ofSeconds(29));
            assertEquals(1, net.b.udpFlowCount());
            net.runFor(Duration.ofSeconds(2));
            assertEquals(0, net.b.udpFlowCount(), "forgotten after the idle timeout");
            assertEquals(1, closed.size());
        }
    }

    @Test
    void closedPortGetsIcmpPortUnreachable() throws Exception {
        try (SimNet net = new SimNet(96)) {
            List<int[]> icmp = new ArrayList<>();
            net.bToA.tap = p -> {
                IpPacket ip = new IpPacket();
                if (IpParser.parse(p, p.readerIndex(), p.readableBytes(), ip) == null && ip.protocol == Spec.IPPROTO_ICMP) {
                    icmp.add(new int[] {p.getUnsignedByte(ip.l4Index), p.getUnsignedByte(ip.l4Index + 1)});
                }
                return true;
            };
            UdpEndpoint client = net.a.bindUdp(null, 0, (ep, from, payload) -> { });
            client.send(new InetSocketAddress(SimNet.B4.toInetAddress(), 7777), ByteBuffer.allocate(4));
            net.runFor(Duration.ofMillis(10));
            assertEquals(1, icmp.size());
            assertArrayEquals(new int[] {Spec.ICMP_UNREACH, Spec.ICMP_UNREACH_PORT}, icmp.get(0));
            assertEquals(1, net.b.counters().get(Counter.UDP_NO_PORT));
        }
    }

    @Test
    void oversizedDatagramIsRefusedWithAClearError() throws Exception {
        try (SimNet net = new SimNet(97)) {
            UdpEndpoint client = net.a.bindUdp(null, 0, (ep, from, payload) -> { });
            IOException e = assertThrows(IOException.class,
                    () -> client.send(new InetSocketAddress(SimNet.B4.toInetAddress(), 53), ByteBuffer.allocate(1253)));
            assertTrue(e.getMessage().contains("exceeds the tunnel MTU"), e.getMessage());
            client.send(new InetSocketAddress(SimNet.B4.toInetAddress(), 53), ByteBuffer.allocate(1252)); // 1280 - 20 - 8
        }
    }
}
