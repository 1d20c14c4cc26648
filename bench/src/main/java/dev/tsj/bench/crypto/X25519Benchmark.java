package dev.tsj.bench.crypto;

import dev.tsj.crypto.X25519;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.NamedParameterSpec;
import java.util.concurrent.TimeUnit;
import javax.crypto.KeyAgreement;
import org.openjdk.jmh.annotations.*;

/** One X25519 shared-secret computation: BouncyCastle (what tsj uses) against the JDK's XDH. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class X25519Benchmark {
    private final byte[] privateKey = new byte[32];
    private final byte[] publicKey = X25519.publicKey(new byte[] {9, 8, 7, 6, 5, 4, 3, 2, 1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 9, 8, 7, 6, 5});
    private final byte[] out = new byte[32];
    private KeyPair jdkA;
    private KeyPair jdkB;

    @Setup
    public void setUp() throws Exception {
        privateKey[0] = 42;
        KeyPairGenerator g = KeyPairGenerator.getInstance("XDH");
        g.initialize(NamedParameterSpec.X25519);
        jdkA = g.generateKeyPair();
        jdkB = g.generateKeyPair();
        KeyFactory.getInstance("XDH");
    }

    @Benchmark
    public boolean bouncyCastle() {
        return X25519.sharedSecret(privateKey, publicKey, out);
    }

    @Benchmark
    public byte[] jdkXdh() throws Exception {
        KeyAgreement ka = KeyAgreement.getInstance("XDH");
        ka.init(jdkA.getPrivate());
        ka.doPhase(jdkB.getPublic(), true);
        return ka.generateSecret();
    }
}
