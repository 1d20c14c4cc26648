package dev.tsj.bench.wg;

import dev.tsj.crypto.ReplayWindow;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * The anti-replay check, once per received packet: counters in order (the common case),
 * reordered within the window (as parallel senders and multipath produce), and replays
 * that must be refused.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReplayWindowBenchmark {
    private final ReplayWindow window = new ReplayWindow();
    private long counter;

    @Setup(Level.Iteration)
    public void setUp() {
        window.reset();
        counter = 0;
    }

    @Benchmark
    public boolean inOrder() {
        return window.accept(counter++);
    }

    /** Pairs swapped and every 64th counter arriving 1000 late: all accepted. */
    @Benchmark
    public boolean reordered() {
        long c = counter++;
        long swapped = (c & 63) == 63 ? c - 1000 : c ^ 1;
        return window.accept(swapped < 0 ? c : swapped);
    }

    /** Every counter arrives twice: half are refused. */
    @Benchmark
    public boolean duplicated() {
        long c = counter++ >>> 1;
        return window.accept(c);
    }
}
