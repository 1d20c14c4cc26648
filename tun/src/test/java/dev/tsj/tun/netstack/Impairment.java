package dev.tsj.tun.netstack;

import java.util.List;
import java.util.SplittableRandom;

/** Seeded packet loss and reordering for a pump thread: a packet may be dropped, or held back behind the next one. */
final class Impairment {
    private final SplittableRandom rng;
    private volatile double loss;
    private volatile double reorder;
    private byte[] held;

    Impairment(long seed) {
        rng = new SplittableRandom(seed);
    }

    void set(double loss, double reorder) {
        this.loss = loss;
        this.reorder = reorder;
    }

    /** The packets to deliver now, in order. Called from one thread. */
    List<byte[]> pass(byte[] packet) {
        if (loss > 0 && rng.nextDouble() < loss) return List.of();
        if (held != null) {
            byte[] late = held;
            held = null;
            return List.of(packet, late);
        }
        if (reorder > 0 && rng.nextDouble() < reorder) {
            held = packet;
            return List.of();
        }
        return List.of(packet);
    }
}
