package dev.tsj.bench.tun;

import dev.tsj.tun.offload.GsoSplitter;
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
 * Splitting one 64 KiB TSO super-packet (TCP/IPv4, 52-byte headers) into MTU-sized packets
 * with full checksums: the per-read cost LinuxTun adds when offloads are on. Time is per
 * super-packet; GB/s = 65483 bytes / time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TsoSplitBenchmark {
    private static final int OFFSET = 16;

    /** Segment payload: 1368 is what MTU 1420 leaves a TCP/IPv4 stream with timestamps. */
    @Param({"1368"})
    int mss;

    private final GsoSplitter splitter = new GsoSplitter();
    private ByteBuffer read;
    private int readLen;
    private ByteBuffer[] out;
    private int[] sizes;

    @Setup
    public void setUp() {
        read = ByteBuffer.allocateDirect(70_000);
        readLen = SuperPackets.tsoRead(read, 65535 - SuperPackets.HEADERS, mss);
        out = new ByteBuffer[128];
        for (int i = 0; i < out.length; i++) out[i] = ByteBuffer.allocateDirect(OFFSET + 1420);
        sizes = new int[out.length];
    }

    @Benchmark
    public int split64KiB() {
        splitter.load(read, 0, readLen);
        return splitter.emit(out, sizes, 0, out.length, OFFSET);
    }
}
