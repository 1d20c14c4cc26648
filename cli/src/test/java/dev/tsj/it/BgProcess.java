package dev.tsj.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A long-running process a test started (a daemon, an iperf3 server, a capture), with its
 * stdout and stderr in a log file under target/ whose tail goes into failure messages.
 * {@code ip netns exec} execs its command, so {@link #pid()} is the command's own PID and
 * signals reach it directly.
 */
public final class BgProcess implements AutoCloseable {
    private static final int TAIL_LINES = 40;

    private final String name;
    private final Path log;
    /** Where this process's part of the (shared, appended) log begins. */
    private final long logStart;
    private final Process process;

    private BgProcess(String name, Path log, long logStart, Process process) {
        this.name = name;
        this.log = log;
        this.logStart = logStart;
        this.process = process;
    }

    public static BgProcess start(String name, Path log, Map<String, String> env, List<String> command) {
        try {
            Files.createDirectories(log.getParent());
            // Appended, so a restarted daemon's log keeps what its predecessor said.
            long logStart = Files.exists(log) ? Files.size(log) : 0;
            Files.writeString(log, "### " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            return new BgProcess(name, log, logStart, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** Sends a signal by name (TERM, INT, KILL) to this process only. */
    public void signal(String signal) {
        if (alive()) {
            Cmd.run("kill", "-" + signal, Long.toString(pid()));
        }
    }

    /** Waits for the process to exit and returns its code; fails with the log tail if it does not. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " (pid " + pid() + ") still running after " + timeout.toSeconds() + " s\n" + tail());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + name, e);
        }
    }

    /**
     * What this process wrote, from its {@code ###} header on: a readiness check must not
     * be satisfied by an earlier process that logged to the same file (a second iperf3
     * server of the same label once let its client connect before it listened).
     */
    public String output() {
        try {
            byte[] bytes = Files.readAllBytes(log);
            int from = (int) Math.min(logStart, bytes.length);
            return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    private String wholeLog() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** The last lines of the whole log (predecessors included), headed by the process's name and state, for failure messages. */
    public String tail() {
        List<String> lines = wholeLog().lines().toList();
        List<String> last = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
        String state = alive() ? "running" : "exited " + process.exitValue();
        return "--- " + name + " (pid " + pid() + ", " + state + ", log " + log + ") ---\n" + String.join("\n", last) + "\n";
    }

    /** Stops the process if it still runs: SIGTERM, then SIGKILL after a grace period. */
    @Override
    public void close() {
        if (!alive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
