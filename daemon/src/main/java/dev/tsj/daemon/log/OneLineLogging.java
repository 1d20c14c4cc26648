package dev.tsj.daemon.log;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Logging for the daemons: one event a line on stderr, as systemd's journal expects. Under
 * journald (JOURNAL_STREAM set) the timestamp is left to the journal; on a terminal each
 * line starts with UTC time. Exceptions print as their message, never as a stack trace,
 * unless TSJ_LOG=debug.
 */
public final class OneLineLogging {
    private OneLineLogging() {}

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** Installs the handler on the root logger; level from TSJ_LOG (debug, info, warn). */
    public static void install() {
        String env = System.getenv().getOrDefault("TSJ_LOG", "info").toLowerCase(java.util.Locale.ROOT);
        Level level = switch (env) {
            case "debug", "verbose" -> Level.FINE;
            case "warn", "warning", "error" -> Level.WARNING;
            default -> Level.INFO;
        };
        boolean journal = System.getenv("JOURNAL_STREAM") != null;
        boolean traces = level == Level.FINE;
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        PrintStream err = System.err;
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (isLoggable(r)) {
                    err.print(getFormatter().format(r));
                    err.flush();
                }
            }

            @Override
            public void flush() {
                err.flush();
            }

            @Override
            public void close() {}
        };
        h.setLevel(level);
        h.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                StringBuilder sb = new StringBuilder(128);
                if (!journal) {
                    sb.append(TIME.format(Instant.ofEpochMilli(r.getMillis()))).append(' ');
                }
                sb.append(label(r.getLevel())).append(' ').append(shortName(r.getLoggerName())).append(": ");
                sb.append(formatMessage(r).replace('\n', ' '));
                Throwable t = r.getThrown();
                if (t != null) {
                    sb.append(": ").append(t);
                }
                sb.append('\n');
                if (t != null && traces) {
                    java.io.StringWriter sw = new java.io.StringWriter();
                    t.printStackTrace(new java.io.PrintWriter(sw));
                    sb.append(sw);
                }
                return sb.toString();
            }
        });
        root.addHandler(h);
        // Debug is tsj's own: the JDK and JNA log their internals at FINE, with a throwable
        // for the call site (ProcessBuilder.start, Runtime.exit), which read as stack traces.
        root.setLevel(level == Level.FINE ? Level.INFO : level);
        TSJ.setLevel(level);
        // Netty's own chatter stays at warnings.
        NETTY.setLevel(Level.WARNING);
    }

    // Held strongly: java.util.logging keeps loggers weakly, and a collected one forgets its level.
    private static final Logger TSJ = Logger.getLogger("dev.tsj");
    private static final Logger NETTY = Logger.getLogger("io.netty");

    private static String label(Level l) {
        if (l.intValue() >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (l.intValue() >= Level.WARNING.intValue()) {
            return "WARN ";
        }
        if (l.intValue() >= Level.INFO.intValue()) {
            return "INFO ";
        }
        return "DEBUG";
    }

    private static String shortName(String logger) {
        if (logger == null) {
            return "tsj";
        }
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }
}
