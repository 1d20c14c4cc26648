package dev.tsj.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.crypto.PresharedKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * iperf3 TCP throughput of tsj-tsj, tsj-wireguard-go and wireguard-go-wireguard-go measured
 * in the same run, alternating pairs round by round so drift on a shared machine hits all
 * alike; medians are printed and written to target/it-logs/ThroughputIT/throughput.txt.
 * A measurement, not a speed assertion: it fails only if a transfer does not complete.
 * Isolated, and ordered last, so nothing else runs meanwhile.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Isolated
@Order(Integer.MAX_VALUE)
@Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class ThroughputIT {
    private static final int ROUNDS = 3;
    private static final String SECONDS = "3";
    /** The JVM compiles tsj's packet path in its first second or so of load: not to be measured. */
    private static final String WARM_UP_SECONDS = "1";
    private static final int MAX_WARM_UP_RUNS = 8;

    private final List<WgPair> pairs = new ArrayList<>();
    private Path logs;

    @BeforeAll
    void buildPairs() {
        Requirements.check();
        logs = ItLogs.freshDir(getClass());
        pairs.add(WgPair.create("ps", Implementation.TSJ, true, Implementation.TSJ, true, logs));
        pairs.add(WgPair.create("pw", Implementation.TSJ, true, Implementation.WIREGUARD_GO, true, logs));
        pairs.add(WgPair.create("pg", Implementation.WIREGUARD_GO, true, Implementation.WIREGUARD_GO, true, logs));
        for (WgPair p : pairs) {
            p.peerBothKnown(PresharedKey.generate().toBase64(), false);
            p.assertPings(p.a, false, 2);
        }
    }

    @AfterAll
    void removePairs() {
        pairs.forEach(WgPair::close);
    }

    @Test
    void throughputOfTheThreePairs() throws IOException {
        Map<String, List<Double>> mbps = new LinkedHashMap<>();
        for (WgPair p : pairs) {
            for (boolean reverse : new boolean[] {false, true}) {
                warmUp(p, reverse);
            }
        }
        for (int round = 1; round <= ROUNDS; round++) {
            for (WgPair p : pairs) {
                for (WgNode sender : List.of(p.a, p.b)) {
                    String label = p.a.implementation.label + " -> " + p.b.implementation.label + ", "
                            + (sender == p.a ? "A sends" : "B sends");
                    IperfResult r = p.iperf(p.b, false).start(label + " round " + round, sender == p.b, "-t", SECONDS)
                            .await(Duration.ofSeconds(60), 1);
                    assertTrue(r.bytesReceived() > 0, "the transfer delivered data: " + r);
                    mbps.computeIfAbsent(label, k -> new ArrayList<>()).add(r.megabitsPerSecond());
                }
            }
        }
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-42s %8s   %s%n", "iperf3 TCP, " + SECONDS + " s per run", "median", "runs (Mbit/s)"));
        mbps.forEach((label, runs) -> table.append(String.format(Locale.ROOT, "%-42s %8.0f   %s%n", label, median(runs),
                runs.stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList())));
        System.out.println("[throughput]\n" + table);
        Files.writeString(logs.resolve("throughput.txt"), table.toString());
    }

    /**
     * One-second runs until the rate stops climbing: on a loaded machine the JIT can take
     * several seconds to compile tsj's packet path, and that is start-up, not throughput.
     */
    private static void warmUp(WgPair p, boolean reverse) {
        double previous = 0;
        for (int i = 0; i < MAX_WARM_UP_RUNS; i++) {
            double rate = p.iperf(p.b, false).start(p.describe() + " warm-up " + i + (reverse ? " reverse" : ""), reverse, "-t", WARM_UP_SECONDS)
                    .await(Duration.ofSeconds(30), 1).megabitsPerSecond();
            if (rate < previous * 1.2) {
                return;
            }
            previous = rate;
        }
    }

    private static double median(List<Double> values) {
        List<Double> s = values.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
