package dev.tsj.it;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code ping} inside a namespace, read as a user reads it: how many replies came back. */
public record Ping(int requested, int transmitted, int received, CmdResult result) {
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");

    /**
     * Sends {@code count} echo requests 0.2 s apart and waits until that many replies came
     * or {@code deadline} passed (ping -w), so a first packet held for a handshake still counts.
     */
    public static Ping run(Netns from, String address, int count, Duration deadline) {
        return run(from, address, count, "0.2", deadline);
    }

    /** As {@link #run(Netns, String, int, Duration)} with {@code interval} seconds between requests (root may go below 0.2). */
    public static Ping run(Netns from, String address, int count, String interval, Duration deadline) {
        CmdResult r = from.exec(deadline.plusSeconds(10), "ping", "-n", "-q", "-c", Integer.toString(count), "-i", interval,
                "-w", Long.toString(deadline.toSeconds()), address);
        Matcher m = SUMMARY.matcher(r.output());
        if (!m.find()) {
            return new Ping(count, 0, 0, r);
        }
        return new Ping(count, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), r);
    }

    /**
     * Every requested echo answered. ping -c N -w D stops at N replies; while the first waits
     * for a handshake it may send more than N, so {@code transmitted} can exceed N.
     */
    public boolean allReplied() {
        return received >= requested;
    }

    @Override
    public String toString() {
        return result.describe();
    }
}
