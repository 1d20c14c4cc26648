package dev.tsj.control;

import java.io.PrintStream;
import java.time.Instant;

/**
 * The server's log: one event per line on stderr, {@code <time> <LEVEL> <event> k=v ...},
 * which journald and {@code grep} both read well. Keys are never logged; nodes are named
 * by id and name.
 */
public final class EventLog {
    private final PrintStream out;
    private final boolean enabled;

    public EventLog(PrintStream out, boolean enabled) {
        this.out = out;
        this.enabled = enabled;
    }

    public static EventLog stderr() {
        return new EventLog(System.err, true);
    }

    public static EventLog silent() {
        return new EventLog(System.err, false);
    }

    public void info(String event, Object... kv) {
        write("INFO", event, kv);
    }

    public void warn(String event, Object... kv) {
        write("WARN", event, kv);
    }

    private void write(String level, String event, Object... kv) {
        if (!enabled) {
            return;
        }
        StringBuilder b = new StringBuilder(96).append(Instant.now()).append(' ').append(level).append(' ').append(event);
        for (int i = 0; i + 1 < kv.length; i += 2) {
            b.append(' ').append(kv[i]).append('=');
            String v = String.valueOf(kv[i + 1]).replace('\n', ' ');
            if (v.isEmpty() || v.indexOf(' ') >= 0 || v.indexOf('"') >= 0) {
                b.append('"').append(v.replace("\"", "\\\"")).append('"');
            } else {
                b.append(v);
            }
        }
        out.println(b);
    }
}
