package dev.tsj.bench.crypto;

import dev.tsj.crypto.AeadKey;
import dev.tsj.crypto.ChaChaPoly;
import dev.tsj.crypto.Transport;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * ChaCha20-Poly1305 seal and open of one transport packet, in place, as the data path
 * does it: heap buffers (the JDK's array fast path) and direct ones (staged through the
 * scratch array). Reported as operations per second; bytes/s = ops/s * size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AeadBenchmark {
    @Param({"64", "1420"})
    int size;

    @Param({"heap", "direct"})
    String buffer;

    private final ChaChaPoly aead = new ChaChaPoly();
    private final AeadKey key = new AeadKey(new byte[32]);
    private ByteBuffer sealBuf;
    private ByteBuffer openBuf;
    private ByteBuffer sealed;
    private int sealedLength;
    private long counter;

    @Setup
    public void setUp() {
        boolean direct = buffer.equals("direct");
        sealBuf = direct ? ByteBuffer.allocateDirect(size + 64) : ByteBuffer.allocate(size + 64);
        openBuf = direct ? ByteBuffer.allocateDirect(size + 64) : ByteBuffer.allocate(size + 64);
        sealed = ByteBuffer.allocate(size + 64);
        sealedLength = Transport.seal(aead, key, 1, 0, sealed, 0, size, 1420);
    }

    @Benchmark
    public int seal() {
        return Transport.seal(aead, key, 1, ++counter, sealBuf, 0, size, 1420);
    }

    @Benchmark
    public int open() {
        openBuf.put(0, sealed, 0, sealedLength);
        return Transport.open(aead, key, 0, openBuf, 0, sealedLength);
    }
}
