package dev.tsj.it.tailnet;

import dev.tsj.it.BgProcess;
import dev.tsj.it.Netns;
import dev.tsj.it.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A packet capture in a namespace ({@code tcpdump -w}) that runs until closed; closing it
 * (SIGINT) makes tcpdump flush the file and exit, so the file is complete afterwards.
 */
final class Capture implements AutoCloseable {
    private final BgProcess tcpdump;

    /** Captures what matches {@code filter} on {@code device} into {@code file}; tcpdump's own words go to {@code log}. */
    Capture(Netns ns, String device, Path file, String filter, Path log) {
        // -U: write each packet as it comes, -s 0: whole packets, -n: no name lookups.
        tcpdump = ns.spawn("tcpdump " + device, log, Map.of(),
                "tcpdump", "-i", device, "-n", "-U", "-s", "0", "-w", file.toString(), filter);
        Poll.until(Duration.ofSeconds(10), "tcpdump to listen on " + device, tcpdump::tail,
                () -> {
                    if (!tcpdump.alive()) {
                        throw new AssertionError("tcpdump exited\n" + tcpdump.tail());
                    }
                    return tcpdump.output().contains("listening on");
                });
    }

    @Override
    public void close() {
        tcpdump.signal("INT");
        tcpdump.awaitExit(Duration.ofSeconds(10));
    }
}
