package dev.tsj.bench.tun;

import dev.tsj.tun.offload.InternetChecksum;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The Internet checksum over 64 KiB of a direct buffer: the floor under split and coalesce. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ChecksumBenchmark {
    private ByteBuffer data;

    @Setup
    public void setUp() {
        data = ByteBuffer.allocateDirect(65536);
        for (int i = 0; i < data.capacity(); i++) data.put(i, (byte) (i * 7));
    }

    @Benchmark
    public int checksum64KiB() {
        return InternetChecksum.finish(InternetChecksum.add(0, data, 0, data.capacity()));
    }
}
