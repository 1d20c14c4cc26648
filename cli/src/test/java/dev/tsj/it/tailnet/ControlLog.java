package dev.tsj.it.tailnet;

import java.time.Instant;
import java.util.List;

/** The coordination server's event log (one event per line: "TIME LEVEL EVENT key=value ..."), read as an operator reads it. */
final class ControlLog {
    private ControlLog() {}

    /** The time of the last {@code event} line that also contains {@code detail}. */
    static Instant lastTime(ControlServer server, String event, String detail) {
        List<String> lines = server.logText().lines().filter(l -> l.contains(" " + event + " ") && l.contains(detail)).toList();
        if (lines.isEmpty()) {
            throw new AssertionError("the control server logged no " + event + " with " + detail + "\n" + server.diagnostics());
        }
        String last = lines.get(lines.size() - 1);
        return Instant.parse(last.substring(0, last.indexOf(' ')));
    }
}
