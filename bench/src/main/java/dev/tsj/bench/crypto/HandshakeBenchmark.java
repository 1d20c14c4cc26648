package dev.tsj.bench.crypto;

import dev.tsj.crypto.CookieChecker;
import dev.tsj.crypto.CookieGenerator;
import dev.tsj.crypto.Handshake;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.StaticIdentity;
import dev.tsj.crypto.TransportKeys;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * A complete WireGuard handshake, initiator and responder both, with mac1 on each
 * message and its check: what one side pays to establish a session, counted twice.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HandshakeBenchmark {
    private final StaticIdentity alice = new StaticIdentity(PrivateKey.generate());
    private final StaticIdentity bob = new StaticIdentity(PrivateKey.generate());
    private final Handshake aToB = new Handshake(alice, bob.publicKey(), null);
    private final Handshake bToA = new Handshake(bob, alice.publicKey(), null);
    private final CookieGenerator macsToBob = new CookieGenerator(bob.publicKey());
    private final CookieGenerator macsToAlice = new CookieGenerator(alice.publicKey());
    private final CookieChecker bobChecks = new CookieChecker(bob.publicKey());
    private final CookieChecker aliceChecks = new CookieChecker(alice.publicKey());
    private long t;
    private long now;

    @Benchmark
    public TransportKeys fullHandshake() {
        byte[] init = aToB.createInitiation(1, Instant.ofEpochSecond(1_800_000_000L, ++t * 20_000_000L));
        macsToBob.addMacs(init, 0);
        if (!bobChecks.checkMac1(init, init.length)) {
            throw new IllegalStateException("mac1");
        }
        now += 25_000_000L; // past the 50-a-second flood limit
        Handshake.Initiation parsed = Handshake.parseInitiation(bob, init);
        if (bToA.acceptInitiation(parsed, now) != Handshake.Refusal.NONE) {
            throw new IllegalStateException("refused");
        }
        byte[] resp = bToA.createResponse(2);
        macsToAlice.addMacs(resp, 0);
        if (!aliceChecks.checkMac1(resp, resp.length) || !aToB.consumeResponse(resp)) {
            throw new IllegalStateException("response");
        }
        TransportKeys responder = bToA.deriveResponderKeys();
        responder.destroy();
        return aToB.deriveInitiatorKeys();
    }
}
