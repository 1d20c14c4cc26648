package dev.tsj.it.tailnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.it.Netns;
import dev.tsj.it.Ping;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Reachability as a user checks it, with ping. Replies count, not their timing: on a
 * loaded 2-core machine the first replies after a handshake can take seconds, and ping
 * keeps sending meanwhile, so "every request answered" would measure the load.
 */
final class Pings {
    private Pings() {}

    /** {@code count} replies from {@code address} within {@code deadline}, or fails with {@code diagnostics}. */
    static void assertReplies(Netns from, String address, int count, Duration deadline, Supplier<String> diagnostics) {
        Ping p = Ping.run(from, address, count, deadline);
        assertTrue(p.received() >= count, from.name() + " -> " + address + ": " + p + "\n" + diagnostics.get());
    }

    static void assertReplies(Netns from, String address, Supplier<String> diagnostics) {
        assertReplies(from, address, 2, Duration.ofSeconds(10), diagnostics);
    }

    /** Not one reply from {@code address} to {@code count} requests sent over {@code deadline}. */
    static void assertNoReply(Netns from, String address, int count, Duration deadline, Supplier<String> diagnostics) {
        Ping p = Ping.run(from, address, count, "0.2", deadline);
        assertEquals(0, p.received(), from.name() + " -> " + address + " must get no reply: " + p + "\n" + diagnostics.get());
    }

    /** Seconds until the first reply from {@code address}; fails if none comes within {@code deadline}. */
    static double secondsToFirstReply(Netns from, String address, Duration deadline, Supplier<String> diagnostics) {
        long start = System.nanoTime();
        assertReplies(from, address, 1, deadline, diagnostics);
        return (System.nanoTime() - start) / 1e9;
    }
}
