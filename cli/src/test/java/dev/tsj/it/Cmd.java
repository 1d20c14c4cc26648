package dev.tsj.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short command to completion. Output goes to a temporary file rather than a pipe,
 * so a chatty command can never block on a full pipe while we wait for it.
 */
public final class Cmd {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private Cmd() {}

    public static CmdResult run(String... command) {
        return run(DEFAULT_TIMEOUT, List.of(command));
    }

    public static CmdResult run(Duration timeout, List<String> command) {
        Path out = null;
        try {
            out = Files.createTempFile("tsj-it-cmd", ".out");
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("`" + String.join(" ", command) + "` did not finish within " + timeout.toSeconds()
                        + " s; it said:\n" + Files.readString(out, StandardCharsets.UTF_8).strip());
            }
            return new CmdResult(List.copyOf(command), p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temporary file; the OS cleans /tmp
                }
            }
        }
    }
}
