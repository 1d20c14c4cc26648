package dev.tsj.control.util;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people type them: {@code 90d}, {@code 12h}, {@code 5m}, {@code 30s},
 * {@code 1h30m}, {@code 500ms}, or ISO-8601 ({@code PT5M}).
 */
public final class DurationText {
    private DurationText() {}

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|d|h|m|s)");

    public static Duration parse(String text) {
        String s = text == null ? "" : text.strip().toLowerCase(java.util.Locale.ROOT);
        if (s.startsWith("p")) {
            try {
                return Duration.parse(s.toUpperCase(java.util.Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("invalid duration \"" + text + "\"");
            }
        }
        Matcher m = PART.matcher(s);
        Duration d = Duration.ZERO;
        int pos = 0;
        while (pos < s.length() && m.find(pos) && m.start() == pos) {
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid duration \"" + text + "\"");
            }
            d = d.plus(switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
            pos = m.end();
        }
        if (s.isEmpty() || pos != s.length()) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\" (use e.g. 90d, 12h, 5m, 30s)");
        }
        return d;
    }

    /** The short form, e.g. {@code 5m} or {@code 180d}. */
    public static String format(Duration d) {
        long s = d.toSeconds();
        if (s > 0 && s % 86400 == 0) {
            return s / 86400 + "d";
        }
        if (s > 0 && s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s > 0 && s % 60 == 0) {
            return s / 60 + "m";
        }
        return d.toMillis() % 1000 == 0 ? s + "s" : d.toMillis() + "ms";
    }
}
