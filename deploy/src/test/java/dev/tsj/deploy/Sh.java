package dev.tsj.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host commands for the tests: bounded in time, output kept for the failure message. */
final class Sh {
    private Sh() {}

    record Result(int code, String out) {
        boolean ok() {
            return code == 0;
        }
    }

    static Result run(long timeoutSeconds, List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[][] out = new byte[1][];
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    out[0] = p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    out[0] = new byte[0];
                }
            });
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                reader.join(5000);
                return new Result(-1, "timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd));
            }
            reader.join();
            return new Result(p.exitValue(), new String(out[0], StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    static Result run(String... cmd) {
        return run(120, List.of(cmd));
    }

    /** Runs and fails the test (with the output) unless it exits 0. */
    static String must(String... cmd) {
        Result r = run(cmd);
        if (!r.ok()) {
            throw new AssertionError(String.join(" ", cmd) + " exited " + r.code() + ": " + r.out().strip());
        }
        return r.out();
    }

    /** In the background, output to {@code log}. */
    static Process start(Path log, List<String> cmd) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static List<String> inNetns(String ns, List<String> cmd) {
        List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        out.addAll(cmd);
        return out;
    }

    /** SIGTERM to all, SIGKILL to those still running 10 s later. */
    static void stopAll(List<Process> processes) {
        processes.forEach(Process::destroy);
        java.util.concurrent.CompletableFuture.allOf(processes.stream().map(Process::onExit)
                .toArray(java.util.concurrent.CompletableFuture[]::new)).completeOnTimeout(null, 10, TimeUnit.SECONDS).join();
        processes.stream().filter(Process::isAlive).forEach(Process::destroyForcibly);
    }
}
