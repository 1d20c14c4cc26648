package dev.tsj.tun.netstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Bad input is dropped silently and counted; the stack keeps working. */
class MalformedPacketTest {

    private static ByteBuf validSyn() {
        return Packets.tcp(SimNet.A4, 40000, SimNet.B4, 80, 1, 0, Spec.TH_SYN, 1000, new byte[0], new byte[0]);
    }

    /** Feeds {@code packet} to B and checks it was counted under {@code reason} and answered with nothing. */
    private static void dropped(SimNet net, ByteBuf packet, Counter reason) {
        long before = net.b.counters().get(reason);
        long out = net.b.counters().get(Counter.OUT_PACKETS);
        Packets.inject(net.b, packet);
        net.runFor(Duration.ofMillis(10));
        assertEquals(before + 1, net.b.counters().get(reason), reason.name());
        assertEquals(out, net.b.counters().get(Counter.OUT_PACKETS), "nothing sent in reply to a " + reason);
    }

    private static ByteBuf mutate(ByteBuf b, UnaryOperator<ByteBuf> f) {
        return f.apply(b);
    }

    @Test
    void eachKindOfBadPacketIsDroppedAndCounted() {
        try (SimNet net = new SimNet(81)) {
            net.b.listen(80, req -> req.accept(new BulkReceiver()));
            dropped(net, Unpooled.buffer(0), Counter.IN_MALFORMED);
            dropped(net, Packets.of(0x45), Counter.IN_MALFORMED);
            dropped(net, Packets.of(0x55, 0, 0, 20, 0, 0, 0, 0, 64, 6, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8), Counter.IN_MALFORMED);
            dropped(net, mutate(validSyn(), b -> b.setByte(0, 0x44)), Counter.IN_MALFORMED); // IHL 4
            dropped(net, mutate(validSyn(), b -> b.setShort(2, 2000)), Counter.IN_MALFORMED); // total length beyond data
            dropped(net, mutate(validSyn(), b -> b.setByte(8, 63)), Counter.IN_BAD_CHECKSUM); // TTL changed, header sum stale
            dropped(net, mutate(validSyn(), b -> fixIpv4Sum(b.setShort(6, 0x2000))), Counter.IN_FRAGMENT_UNSUPPORTED);
            dropped(net, mutate(validSyn(), b -> b.setByte(b.readableBytes() - 1, 0x55).writerIndex(b.writerIndex())),
                    Counter.IN_BAD_CHECKSUM); // TCP checksum: flip the urgent pointer's low byte
            dropped(net, mutate(validSyn(), b -> fixIpv4Sum(b.setShort(2, 30).writerIndex(30))), Counter.IN_MALFORMED); // TCP truncated
            dropped(net, mutate(validSyn(), b -> fixTcpSum(b.setByte(32, 0xf0))), Counter.IN_MALFORMED); // data offset 60 > segment
            dropped(net, mutate(validSyn(), b -> fixIpv4Sum(b.setByte(9, 47))), Counter.IN_UNSUPPORTED_PROTOCOL); // GRE
            dropped(net, Packets.tcp(SimNet.A4, 1, IpAddress.parse("100.64.9.9"), 80, 1, 0, Spec.TH_SYN, 1, new byte[0], new byte[0]),
                    Counter.IN_NOT_FOR_US);
            dropped(net, Packets.tcp(IpAddress.parse("224.0.0.1"), 1, SimNet.B4, 80, 1, 0, Spec.TH_SYN, 1, new byte[0], new byte[0]),
                    Counter.IN_MARTIAN);
            ByteBuf udp = Packets.udp(SimNet.A4, 5, SimNet.B4, 53, "hello".getBytes());
            dropped(net, mutate(udp, b -> b.setByte(b.writerIndex() - 1, 'X')), Counter.IN_BAD_CHECKSUM);
            ByteBuf udpLong = Packets.udp(SimNet.A4, 5, SimNet.B4, 53, "hello".getBytes());
            dropped(net, mutate(udpLong, b -> b.setShort(24, 500)), Counter.IN_MALFORMED);
            ByteBuf v6 = Packets.tcp(SimNet.A6, 40000, SimNet.B6, 80, 1, 0, Spec.TH_SYN, 1000, new byte[0], new byte[0]);
            dropped(net, mutate(v6, b -> b.setShort(4, 900)), Counter.IN_MALFORMED); // payload length beyond data
            dropped(net, mutate(Packets.tcp(SimNet.A6, 1, SimNet.B6, 80, 1, 0, Spec.TH_SYN, 1, new byte[8], new byte[0]),
                    b -> b.setByte(6, Spec.IPPROTO_FRAGMENT)), Counter.IN_FRAGMENT_UNSUPPORTED);
            ByteBuf v6udp = Packets.udp(SimNet.A6, 5, SimNet.B6, 53, "x".getBytes());
            dropped(net, mutate(v6udp, b -> b.setShort(46, 0)), Counter.IN_BAD_CHECKSUM); // IPv6 forbids "no checksum"

            // Still healthy afterwards.
            CompletableFuture<TcpConnection> f = net.a.connect(new InetSocketAddress(SimNet.B4.toInetAddress(), 80), null);
            assertTrue(net.run(f::isDone, Duration.ofSeconds(5)));
            assertFalse(f.isCompletedExceptionally());
        }
    }

    @Test
    void randomAndMutatedPacketsNeverThrow() throws Exception {
        try (SimNet net = new SimNet(82)) {
            net.b.listen(80, req -> req.accept(new BulkReceiver()));
            net.b.bindUdp(null, 53, (e, from, payload) -> { });
            SplittableRandom rng = new SplittableRandom(82);
            List<ByteBuf> seeds = List.of(validSyn(),
                    Packets.udp(SimNet.A4, 5, SimNet.B4, 53, new byte[40]),
                    Packets.tcp(SimNet.A6, 40000, SimNet.B6, 80, 1, 0, Spec.TH_SYN, 1000, new byte[] {2, 4, 5, (byte) 180}, new byte[0]),
                    Packets.tcp(SimNet.A4, 40001, SimNet.B4, 80, 1, 0, Spec.TH_SYN, 1000, new byte[] {3, 3, 99, 0, 4, 2, 8, 10}, new byte[0]));
            for (int i = 0; i < 20_000; i++) {
                ByteBuf p;
                if (i % 4 == 0) {
                    byte[] junk = new byte[rng.nextInt(80)];
                    rng.nextBytes(junk);
                    if (junk.length > 0) junk[0] = (byte) (rng.nextBoolean() ? 0x45 : 0x60);
                    p = Unpooled.wrappedBuffer(junk);
                } else {
                    p = seeds.get(rng.nextInt(seeds.size())).copy();
                    int flips = 1 + rng.nextInt(4);
                    for (int f = 0; f < flips; f++) {
                        int at = rng.nextInt(p.readableBytes());
                        p.setByte(at, p.getByte(at) ^ (1 << rng.nextInt(8)));
                    }
                    if (rng.nextInt(8) == 0) p.writerIndex(rng.nextInt(p.readableBytes() + 1));
                }
                Packets.inject(net.b, p); // an exception here fails the test
                if (i % 1000 == 0) net.runFor(Duration.ofMillis(1));
            }
            seeds.forEach(ByteBuf::release);
            net.runFor(Duration.ofSeconds(1));
            assertTrue(net.b.counters().get(Counter.IN_MALFORMED) + net.b.counters().get(Counter.IN_BAD_CHECKSUM) > 10_000);
        }
    }

    private static ByteBuf fixIpv4Sum(ByteBuf b) {
        b.setShort(10, 0);
        b.setShort(10, Checksum.finish(Checksum.add(b, 0, 20, 0)));
        return b;
    }

    private static ByteBuf fixTcpSum(ByteBuf b) {
        IpWriter.finishChecksum(b, SimNet.A4.hi(), SimNet.A4.lo(), SimNet.B4.hi(), SimNet.B4.lo(), Spec.IPPROTO_TCP, 16);
        return b;
    }
}
