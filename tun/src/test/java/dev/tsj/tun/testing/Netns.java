package dev.tsj.tun.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A network namespace created for one test, named {@code tn-<tag><pid>} so that concurrent
 * runs do not collide and leftovers of crashed runs (whose pid is gone) are removed first.
 * Root only: {@link #requireRoot()} skips elsewhere, and fails under {@code CI=true}.
 */
public final class Netns implements AutoCloseable {
    private final String name;

    private Netns(String name) {
        this.name = name;
    }

    private static volatile String unavailable;

    /** Skips the test unless root networking is possible; with CI=true, fails instead. */
    public static void requireRoot() {
        String why = unavailable == null ? (unavailable = probe()) : unavailable;
        if (why.isEmpty()) return;
        if ("true".equals(System.getenv("CI"))) fail("CI=true but this root/netns test cannot run: " + why);
        assumeTrue(false, "needs root and network namespaces: " + why);
    }

    /** Empty when this process can create namespaces and TUNs, else why not. */
    private static String probe() {
        if (!"root".equals(System.getProperty("user.name"))) return "not root";
        if (!Files.exists(Path.of("/dev/net/tun"))) return "/dev/net/tun is missing";
        String probe = "tn-pr" + ProcessHandle.current().pid();
        try {
            Result r = run(10, "ip", "netns", "add", probe);
            if (r.exitCode() != 0) return "cannot create a network namespace: " + r.output().strip();
            run(10, "ip", "netns", "del", probe);
            return "";
        } catch (IOException e) {
            return "iproute2 is missing: " + e.getMessage();
        }
    }

    /** Creates {@code tn-<tag><pid>}; {@code tag} is a couple of letters. */
    public static Netns create(String tag) throws IOException {
        String prefix = "tn-" + tag;
        removeLeftovers(prefix);
        String name = prefix + ProcessHandle.current().pid();
        run(10, "ip", "netns", "del", name);
        check(run(10, "ip", "netns", "add", name), "ip netns add " + name);
        Netns ns = new Netns(name);
        ns.exec(10, "ip", "link", "set", "lo", "up");
        return ns;
    }

    public String name() {
        return name;
    }

    /** Runs a command inside the namespace and waits for it. */
    public Result exec(int timeoutSeconds, String... command) throws IOException {
        return run(timeoutSeconds, inside(command));
    }

    /** Starts a command inside the namespace. */
    public Process start(String... command) throws IOException {
        return new ProcessBuilder(inside(command)).redirectErrorStream(true).start();
    }

    private String[] inside(String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return full.toArray(String[]::new);
    }

    @Override
    public void close() throws IOException {
        run(10, "ip", "netns", "del", name);
    }

    public record Result(int exitCode, String output) {}

    /** Runs a command (in the test's own namespace) and waits; output is stdout and stderr together. */
    public static Result run(int timeoutSeconds, String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        // Drain output while waiting, so a chatty command cannot block on a full pipe.
        CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getInputStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), new String(output.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(String.join(" ", command) + ": output not readable", e);
        }
    }

    public static void check(Result r, String what) throws IOException {
        if (r.exitCode() != 0) throw new IOException(what + " failed: " + r.output().strip());
    }

    private static void removeLeftovers(String prefix) throws IOException {
        for (String line : run(10, "ip", "netns", "list").output().split("\n")) {
            String ns = line.split(" ")[0];
            if (!ns.startsWith(prefix)) continue;
            String pid = ns.substring(prefix.length());
            if (pid.chars().allMatch(Character::isDigit) && !pid.isEmpty()
                    && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
                run(10, "ip", "netns", "del", ns);
            }
        }
    }
}
