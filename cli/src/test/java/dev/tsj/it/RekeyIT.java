package dev.tsj.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.crypto.PresharedKey;
import dev.tsj.crypto.WireGuardSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Sessions survive the rekey WireGuard does 120 s into a session: three pairs (tsj
 * initiating to wireguard-go, wireguard-go initiating to tsj, tsj to tsj) each carry a
 * steady ping from the initiator across the rekey, which must lose nothing, while both
 * sides show a new handshake. This is the suite's only long wait, so the class runs
 * alongside the others (it is CONCURRENT; the rest run one after another) and its
 * topology is quiet apart from its pings.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Execution(ExecutionMode.CONCURRENT)
@Order(1) // started first, so that it overlaps the rest
@Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class RekeyIT {
    private static final long REKEY_AFTER_SECONDS = WireGuardSpec.REKEY_AFTER_TIME / 1_000_000_000L;
    /** The ping runs this long past the rekey, so traffic flows on the new keys too. */
    private static final long PAST_REKEY_SECONDS = 12;
    private static final double PING_INTERVAL = 0.5;
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");

    private record Session(WgPair pair, WgNode initiator, long firstHandshake, BgProcess ping) {}

    private final List<WgPair> pairs = new ArrayList<>();
    private final List<Session> sessions = new ArrayList<>();
    private Path logs;

    @BeforeAll
    void startSessions() {
        Requirements.check();
        logs = ItLogs.freshDir(getClass());
        WgPair toWireguardGo = add(WgPair.create("r1", Implementation.TSJ, true, Implementation.WIREGUARD_GO, true, logs));
        WgPair fromWireguardGo = add(WgPair.create("r2", Implementation.TSJ, true, Implementation.WIREGUARD_GO, true, logs));
        WgPair tsjToTsj = add(WgPair.create("r3", Implementation.TSJ, true, Implementation.TSJ, true, logs));
        start(toWireguardGo, toWireguardGo.a);
        start(fromWireguardGo, fromWireguardGo.b);
        start(tsjToTsj, tsjToTsj.a);
    }

    private WgPair add(WgPair p) {
        pairs.add(p);
        return p;
    }

    private void start(WgPair pair, WgNode initiator) {
        pair.peerFresh(initiator, PresharedKey.generate().toBase64(), false);
        pair.assertPings(initiator, false, 1);
        long first = initiator.dump().requirePeer(pair.other(initiator).publicKey()).latestHandshake();
        long count = (long) ((REKEY_AFTER_SECONDS + PAST_REKEY_SECONDS) / PING_INTERVAL);
        String label = "ping " + initiator.interfaceName + " -> " + pair.other(initiator).interfaceName;
        BgProcess ping = initiator.ns.spawn(label, logs.resolve(label.replace(' ', '_') + ".log"), Map.of(),
                "ping", "-n", "-q", "-i", Double.toString(PING_INTERVAL), "-c", Long.toString(count),
                pair.tunnel4(pair.other(initiator)));
        sessions.add(new Session(pair, initiator, first, ping));
    }

    @AfterAll
    void removeTopology() {
        for (WgPair p : pairs) {
            p.close();
        }
    }

    @Test
    void sessionsSurviveTheRekeyAfter120Seconds() {
        List<String> failures = new ArrayList<>();
        for (Session s : sessions) {
            String what = s.pair.describe() + ", " + s.initiator.implementation.label + " " + s.initiator.interfaceName + " initiates";
            long deadline = s.firstHandshake + REKEY_AFTER_SECONDS + PAST_REKEY_SECONDS + 30;
            Duration wait = Duration.ofSeconds(Math.max(1, deadline - Instant.now().getEpochSecond()));
            int exit = s.ping.awaitExit(wait.plusSeconds(15));
            Matcher m = SUMMARY.matcher(s.ping.output());
            if (exit != 0 || !m.find() || !m.group(1).equals(m.group(2))) {
                failures.add(what + ": the ping across the rekey lost packets (exit " + exit + ")\n" + s.ping.tail());
            }
            for (WgNode n : List.of(s.pair.a, s.pair.b)) {
                long hs = n.dump().requirePeer(s.pair.other(n).publicKey()).latestHandshake();
                if (hs < s.firstHandshake + REKEY_AFTER_SECONDS) {
                    failures.add(what + ": " + n.interfaceName + "'s latest handshake is " + (hs - s.firstHandshake)
                            + " s after the first, no rekey after " + REKEY_AFTER_SECONDS + " s");
                }
            }
            System.out.println("[rekey] " + what + ": " + (m.find(0) ? m.group(0) : "?"));
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures) + "\n" + diagnostics());
        assertEquals(3, sessions.size());
    }

    private String diagnostics() {
        StringBuilder sb = new StringBuilder();
        pairs.forEach(p -> sb.append(p.diagnostics()));
        return sb.toString();
    }
}
