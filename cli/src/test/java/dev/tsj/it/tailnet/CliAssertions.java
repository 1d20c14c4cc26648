package dev.tsj.it.tailnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.it.CmdResult;
import java.util.Locale;

/** What a user must see when tsj refuses something: a clear message, never a stack trace. */
final class CliAssertions {
    private CliAssertions() {}

    /** Exit {@code exitCode} and exactly one line, "tsj...: ...", that mentions {@code word}. */
    static void oneLineError(CmdResult r, int exitCode, String word) {
        assertEquals(exitCode, r.exitCode(), "exit status: " + r.describe());
        String text = r.output().strip();
        assertEquals(1, text.lines().count(), "one line: " + r.describe());
        assertTrue(text.startsWith("tsj"), "the line names tsj: " + r.describe());
        assertMentions(r, word);
        noStackTrace(r);
    }

    /**
     * A refused command line (picocli's usage errors): a non-zero exit and a first line that
     * says what was wrong, followed by the usage; no stack trace.
     */
    static void usageError(CmdResult r, String word) {
        assertTrue(!r.ok(), "refused: " + r.describe());
        String first = r.output().strip().lines().findFirst().orElse("");
        assertTrue(first.toLowerCase(Locale.ROOT).contains(word.toLowerCase(Locale.ROOT)),
                "the first line says what is wrong (\"" + word + "\"): " + r.describe());
        noStackTrace(r);
    }

    static void assertMentions(CmdResult r, String word) {
        assertTrue(r.output().toLowerCase(Locale.ROOT).contains(word.toLowerCase(Locale.ROOT)),
                "the message mentions \"" + word + "\": " + r.describe());
    }

    static void noStackTrace(CmdResult r) {
        assertFalse(r.output().contains("\tat ") || r.output().contains("Exception"), "no stack trace or exception name: " + r.describe());
    }
}
