package dev.tsj.tun.link;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs iproute2's {@code ip} with a fixed prefix of arguments (e.g. {@code -n NAMESPACE}) and
 * the C locale, so its error messages are the stable English ones matched elsewhere.
 */
final class IpCommand {
    private static final long TIMEOUT_SECONDS = 15;

    /** What one invocation did. */
    record Result(int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }

        /** The first line of stderr, for a one-line error. */
        String error() {
            String e = stderr.strip();
            int nl = e.indexOf('\n');
            return nl < 0 ? e : e.substring(0, nl);
        }
    }

    private final String executable;
    private final List<String> prefix;

    IpCommand(String executable, List<String> prefix) {
        this.executable = executable;
        this.prefix = List.copyOf(prefix);
    }

    Result run(List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.addAll(prefix);
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("LC_ALL", "C");
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot run '" + executable + "' (iproute2): " + e.getMessage()
                    + "; install iproute2 or run with --tun=userspace-networking");
        }
        try (InputStream out = process.getInputStream(); InputStream err = process.getErrorStream()) {
            // ip writes little to stderr, so reading stdout to the end first cannot deadlock.
            String stdout = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            String stderr = new String(err.readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(describe(args) + ": timed out after " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), stdout, stderr);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException(describe(args) + ": interrupted");
        }
    }

    /** The command line as a user would type it. */
    String describe(List<String> args) {
        StringBuilder sb = new StringBuilder("ip");
        for (String a : prefix) sb.append(' ').append(a);
        for (String a : args) sb.append(' ').append(a);
        return sb.toString();
    }
}
