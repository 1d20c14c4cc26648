package dev.tsj.daemon.router;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host tools (nft, iptables, sysctl) with input, collecting output for error messages. */
final class Commands {
    private Commands() {}

    record Result(int code, String output) {}

    static Result tryRun(List<String> cmd, String stdin) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    static void run(List<String> cmd, String stdin) throws IOException {
        Result r = tryRun(cmd, stdin);
        if (r.code() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + r.output().strip().replace('\n', ' '));
        }
    }

    static boolean onPath(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (new java.io.File(dir, exe).canExecute()) {
                return true;
            }
        }
        return new java.io.File("/usr/sbin/" + exe).canExecute();
    }
}
