package dev.tsj.tun.netstack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.UnpooledByteBufAllocator;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Two stacks, A and B, wired back to back through a {@link SimLink} each way, on virtual time. */
final class SimNet implements AutoCloseable {
    static final IpAddress A4 = IpAddress.parse("100.64.0.1");
    static final IpAddress B4 = IpAddress.parse("100.64.0.2");
    static final IpAddress A6 = IpAddress.parse("fd7a:115c:a1e0::1");
    static final IpAddress B6 = IpAddress.parse("fd7a:115c:a1e0::2");

    final VirtualTimeLoop loop = new VirtualTimeLoop();
    final SimLink aToB;
    final SimLink bToA;
    final NetStack a;
    final NetStack b;
    /**
     * Without Netty's (paranoid, very slow) leak detector, but with its memory metric:
     * {@link #close()} asserts that every packet buffer was released, which catches the
     * same ownership bugs for a fraction of the cost.
     */
    final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false, true);

    SimNet(long seed) {
        this(seed, c -> {});
    }

    SimNet(long seed, Consumer<NetStackConfig.Builder> tweak) {
        this(seed, tweak, tweak);
    }

    SimNet(long seed, Consumer<NetStackConfig.Builder> tweakA, Consumer<NetStackConfig.Builder> tweakB) {
        aToB = new SimLink(loop, seed * 31 + 1);
        bToA = new SimLink(loop, seed * 31 + 2);
        NetStackConfig.Builder ca = NetStackConfig.builder().addresses(java.util.List.of(A4, A6)).randomSeed(seed * 7 + 1);
        NetStackConfig.Builder cb = NetStackConfig.builder().addresses(java.util.List.of(B4, B6)).randomSeed(seed * 7 + 2);
        tweakA.accept(ca);
        tweakB.accept(cb);
        a = new NetStack(ca.build(), loop, aToB, alloc);
        b = new NetStack(cb.build(), loop, bToA, alloc);
        aToB.destination = b;
        bToA.destination = a;
    }

    void impair(double loss, double reorder, double duplicate) {
        for (SimLink l : new SimLink[] {aToB, bToA}) {
            l.loss = loss;
            l.reorder = reorder;
            l.duplicate = duplicate;
        }
    }

    boolean run(BooleanSupplier done, Duration maxVirtual) {
        return loop.runUntil(done, maxVirtual);
    }

    void runFor(Duration d) {
        loop.advance(d);
    }

    @Override
    public void close() {
        a.close();
        b.close();
        loop.advance(Duration.ofSeconds(10)); // let packets in flight arrive and be released
        loop.close();
        assertEquals(0, alloc.metric().usedHeapMemory(), "packet buffers leaked");
    }
}
