package dev.tsj.tun.netstack;

import io.netty.buffer.ByteBuf;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * One direction of a simulated network path between two stacks on a shared
 * {@link VirtualTimeLoop}: a bottleneck of a given rate with a drop-tail queue, then
 * propagation delay, random loss, reordering and duplication from a seeded generator.
 */
final class SimLink implements PacketSink {
    final VirtualTimeLoop loop;
    private final SplittableRandom rng;
    NetStack destination;
    double loss;
    double reorder;
    double duplicate;
    long delayNanos = 1_000_000;
    long reorderExtraNanos = 3_000_000;
    long bitsPerSecond = 200_000_000;
    long queueNanos = 20_000_000;
    /** Sees every packet before the link does; return false to drop it. */
    Predicate<ByteBuf> tap = p -> true;
    private long busyUntil;
    long delivered;
    long dropped;

    SimLink(VirtualTimeLoop loop, long seed) {
        this.loop = loop;
        this.rng = new SplittableRandom(seed);
    }

    @Override
    public boolean hasRoom() {
        return true;
    }

    @Override
    public void send(ByteBuf packet) {
        if (!tap.test(packet) || destination == null) {
            packet.release();
            dropped++;
            return;
        }
        long now = loop.nanoTime();
        long start = Math.max(now, busyUntil);
        if (start - now > queueNanos) { // drop-tail at the bottleneck queue
            packet.release();
            dropped++;
            return;
        }
        busyUntil = start + packet.readableBytes() * 8L * 1_000_000_000L / bitsPerSecond;
        if (rng.nextDouble() < loss) {
            packet.release();
            dropped++;
            return;
        }
        long arrival = busyUntil + delayNanos;
        if (rng.nextDouble() < reorder) arrival += rng.nextLong(reorderExtraNanos);
        if (rng.nextDouble() < duplicate) schedule(packet.copy(), arrival + rng.nextLong(reorderExtraNanos));
        schedule(packet, arrival);
    }

    private void schedule(ByteBuf packet, long at) {
        NetStack dst = destination;
        Timer[] self = new Timer[1];
        self[0] = new Timer(() -> {
            delivered++;
            try {
                dst.receive(packet, packet.readerIndex(), packet.readableBytes());
            } finally {
                packet.release();
            }
        });
        loop.arm(self[0], at);
    }
}
