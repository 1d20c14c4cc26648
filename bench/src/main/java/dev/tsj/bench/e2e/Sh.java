package dev.tsj.bench.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs commands for the harness: captured output, a deadline on each, and a clear error. */
final class Sh {
    private Sh() {}

    record Result(int exit, String out, String err) {}

    /** Runs {@code cmd} to completion (at most {@code timeoutSeconds}); never throws on a non-zero exit. */
    static Result run(int timeoutSeconds, List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).start();
            p.getOutputStream().close();
            // Read both streams off-thread so a chatty command cannot block on a full pipe.
            StringBuilder so = new StringBuilder();
            StringBuilder se = new StringBuilder();
            Thread to = Thread.ofVirtual().start(() -> so.append(drain(p.getInputStream())));
            Thread te = Thread.ofVirtual().start(() -> se.append(drain(p.getErrorStream())));
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                to.join();
                te.join();
                return new Result(-1, so.toString(), "timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd));
            }
            to.join();
            te.join();
            return new Result(p.exitValue(), so.toString(), se.toString());
        } catch (IOException e) {
            return new Result(-1, "", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "", "interrupted");
        }
    }

    static Result run(String... cmd) {
        return run(60, List.of(cmd));
    }

    /** Runs {@code cmd} and fails the harness with its stderr when it exits non-zero. */
    static String ok(String... cmd) {
        Result r = run(cmd);
        if (r.exit != 0) {
            throw new HarnessException(String.join(" ", cmd) + ": " + firstLine(r.err.isBlank() ? r.out : r.err));
        }
        return r.out;
    }

    /** Starts a long-running process with its output going to {@code log}. */
    static Process start(java.nio.file.Path log, List<String> cmd) {
        return start(log, cmd, java.util.Map.of());
    }

    static Process start(java.nio.file.Path log, List<String> cmd, java.util.Map<String, String> env) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().putAll(env);
            return pb.redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new HarnessException("cannot start " + cmd.getFirst() + ": " + e.getMessage());
        }
    }

    static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    private static String drain(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
