package dev.tsj.bench.tun;

import dev.tsj.tun.offload.GroCoalescer;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Planning the GRO write of 64 KiB of one TCP/IPv4 flow (47 segments of 1368 bytes) into one
 * super-packet: flow lookup, merge checks and checksum validation of every segment (LinuxTun
 * then gathers the result with one writev, no copy). Time is per 64 KiB batch; it includes
 * restoring the first packet's 52 header bytes, which planning rewrites.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GroCoalesceBenchmark {
    private static final int OFFSET = 16;

    @Param({"1368"})
    int mss;

    private GroCoalescer coalescer;
    private ByteBuffer[] bufs;
    private int[] sizes;
    private final byte[] firstHeaders = new byte[SuperPackets.HEADERS];

    @Setup
    public void setUp() {
        int count = (65535 - SuperPackets.HEADERS) / mss;
        bufs = new ByteBuffer[count];
        sizes = new int[count];
        for (int i = 0; i < count; i++) {
            bufs[i] = ByteBuffer.allocateDirect(OFFSET + 1420);
            sizes[i] = SuperPackets.tcp4(bufs[i], OFFSET, 1 + i * mss, 100 + i, mss);
        }
        bufs[0].get(OFFSET, firstHeaders);
        coalescer = new GroCoalescer(128, false);
    }

    @Benchmark
    public int coalesce64KiB() {
        bufs[0].put(OFFSET, firstHeaders);
        int writes = coalescer.plan(bufs, sizes, OFFSET, sizes.length);
        if (writes != 1) throw new IllegalStateException("expected one super-packet, planned " + writes);
        return writes;
    }
}
