package dev.tsj.bench.wg;

import dev.tsj.daemon.wg.AllowedIps;
import dev.tsj.daemon.wg.Prefix;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * Cryptokey routing's longest-prefix match, once per packet on both paths: a tailnet of
 * {@code peers} nodes, each with its /32 and /128 in 100.64.0.0/10 and fd7a:115c:a1e0::/48,
 * and every tenth also routing a /24 subnet. Lookups cycle through addresses that hit
 * (a node, a subnet host) and miss, so branch prediction cannot memorise one path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AllowedIpsBenchmark {
    private static final int LOOKUPS = 1024;

    @Param({"10", "1000", "10000"})
    int peers;

    private final AllowedIps<Integer> table = new AllowedIps<>();
    private final int[] v4 = new int[LOOKUPS];
    private final long[] v6Hi = new long[LOOKUPS];
    private final long[] v6Lo = new long[LOOKUPS];
    private int next;

    @Setup
    public void setUp() {
        for (int p = 0; p < peers; p++) {
            table.insert(Prefix.parse(tailnet4(p) + "/32"), p);
            table.insert(Prefix.parse("fd7a:115c:a1e0::" + Integer.toHexString(p + 1) + "/128"), p);
            if (p % 10 == 0) {
                table.insert(Prefix.parse("10." + (p >> 8 & 0xff) + "." + (p & 0xff) + ".0/24"), p);
            }
        }
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < LOOKUPS; i++) {
            int p = r.nextInt(peers);
            v4[i] = switch (i % 3) {
                case 0 -> ipv4(tailnet4(p));
                case 1 -> ipv4("10." + (p / 10 * 10 >> 8 & 0xff) + "." + (p / 10 * 10 & 0xff) + "." + (1 + r.nextInt(254)));
                default -> ipv4("198.18.0." + r.nextInt(256)); // no route
            };
            v6Hi[i] = 0xfd7a115ca1e00000L;
            v6Lo[i] = i % 3 == 2 ? 0xffff_0000L + i : p + 1;
        }
    }

    private static String tailnet4(int p) {
        int host = p + 1;
        return "100.64." + (host >> 8 & 0xff) + "." + (host & 0xff);
    }

    private static int ipv4(String dotted) {
        String[] q = dotted.split("\\.");
        return Integer.parseInt(q[0]) << 24 | Integer.parseInt(q[1]) << 16 | Integer.parseInt(q[2]) << 8 | Integer.parseInt(q[3]);
    }

    @Benchmark
    public Integer lookup4() {
        int i = next++ & (LOOKUPS - 1);
        return table.lookup4(v4[i]);
    }

    @Benchmark
    public Integer lookup6() {
        int i = next++ & (LOOKUPS - 1);
        return table.lookup6(v6Hi[i], v6Lo[i]);
    }
}
