package dev.tsj.tun.netstack;

import dev.tsj.tun.PacketDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Two {@link UserspaceNetDevice}s joined by two pump threads that do what the WireGuard
 * device does: read a batch from one device and write it into the other, optionally
 * dropping packets (seeded).
 */
final class DevicePair implements AutoCloseable {
    final UserspaceNetDevice a;
    final UserspaceNetDevice b;
    private final Thread ab;
    private final Thread ba;
    volatile double loss;
    private final io.netty.buffer.ByteBufAllocator alloc;

    DevicePair() {
        this(c -> {});
    }

    /**
     * Unpooled buffers without Netty's paranoid leak detector (too slow for bulk tests),
     * checked by the allocator's memory metric when the pair closes.
     */
    DevicePair(Consumer<NetStackConfig.Builder> tweak) {
        this(tweak, new io.netty.buffer.UnpooledByteBufAllocator(false, true));
    }

    /** With the allocator given: the pooled default runs under the build's paranoid leak detector. */
    DevicePair(Consumer<NetStackConfig.Builder> tweak, io.netty.buffer.ByteBufAllocator alloc) {
        NetStackConfig.Builder ca = NetStackConfig.builder().addresses(List.of(SimNet.A4, SimNet.A6));
        NetStackConfig.Builder cb = NetStackConfig.builder().addresses(List.of(SimNet.B4, SimNet.B6));
        tweak.accept(ca);
        tweak.accept(cb);
        this.alloc = alloc;
        a = new UserspaceNetDevice(ca.build(), alloc);
        b = new UserspaceNetDevice(cb.build(), alloc);
        ab = Thread.ofPlatform().daemon().name("pump-a-b").start(() -> pump(a, b, 11));
        ba = Thread.ofPlatform().daemon().name("pump-b-a").start(() -> pump(b, a, 12));
    }

    private void pump(PacketDevice from, PacketDevice to, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int batch = from.batchSize();
        int headroom = 16;
        ByteBuffer[] bufs = new ByteBuffer[batch];
        for (int i = 0; i < batch; i++) bufs[i] = ByteBuffer.allocate(headroom + 65535);
        int[] sizes = new int[batch];
        ByteBuffer[] out = new ByteBuffer[batch];
        int[] outSizes = new int[batch];
        try {
            while (true) {
                int n = from.read(bufs, sizes, headroom);
                int m = 0;
                for (int i = 0; i < n; i++) {
                    if (loss > 0 && rng.nextDouble() < loss) continue;
                    out[m] = bufs[i];
                    outSizes[m++] = sizes[i];
                }
                to.write(out, outSizes, headroom, m);
            }
        } catch (IOException closed) {
            // the device closed: the pump ends
        }
    }

    NetStack stackA() {
        return a.stack();
    }

    NetStack stackB() {
        return b.stack();
    }

    @Override
    public void close() throws IOException {
        a.close();
        b.close();
        try {
            ab.join(5000);
            ba.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (alloc instanceof io.netty.buffer.UnpooledByteBufAllocator u) {
            org.junit.jupiter.api.Assertions.assertEquals(0, u.metric().usedHeapMemory(), "packet buffers leaked");
        }
    }
}
