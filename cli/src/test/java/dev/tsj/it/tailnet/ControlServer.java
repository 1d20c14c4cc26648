package dev.tsj.it.tailnet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tsj.it.BgProcess;
import dev.tsj.it.CmdResult;
import dev.tsj.it.Netns;
import dev.tsj.it.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code tsj control serve} in a namespace of its own, and the admin commands a user runs
 * against it ({@code tsj control ... --state-dir DIR}, through the server's admin socket).
 */
final class ControlServer implements AutoCloseable {
    static final int PORT = 8080;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    final Netns ns;
    final String address;
    final Path stateDir;
    private final Path log;
    private final List<String> flags;
    private BgProcess process;

    ControlServer(Lab lab, Netns ns, String address, String... flags) {
        this.ns = ns;
        this.address = address;
        this.stateDir = lab.work.resolve("control");
        this.log = lab.logs.resolve("control.log");
        this.flags = List.of(flags);
        lab.own(this);
    }

    String url() {
        return "http://" + address + ":" + PORT;
    }

    /** Starts the server and waits until its admin socket and HTTP front door answer. */
    ControlServer start() {
        List<String> args = new ArrayList<>(List.of("control", "serve", "--listen", address + ":" + PORT, "--state-dir", stateDir.toString()));
        args.addAll(flags);
        process = ns.spawn("control", log, Map.of(), TsjCommand.of(args.toArray(String[]::new)).toArray(String[]::new));
        Poll.until(START_TIMEOUT, "the control server to serve " + url(), this::diagnostics, () -> {
            if (!process.alive()) {
                throw new AssertionError("tsj control serve exited during start-up");
            }
            return Files.exists(stateDir.resolve("admin.sock"))
                    && ns.exec("curl", "-sf", "--max-time", "2", url() + "/health").ok();
        });
        return this;
    }

    /** SIGTERM, as systemd stops it; the JVM exits 143 after its shutdown hooks (the unit accepts that). */
    void stop() {
        process.signal("TERM");
        int code = process.awaitExit(Duration.ofSeconds(30));
        if (code != 0 && code != 143) {
            throw new AssertionError("tsj control serve exited " + code + " on SIGTERM\n" + process.tail());
        }
    }

    boolean running() {
        return process != null && process.alive();
    }

    /** {@code tsj control ARGS --state-dir DIR}, however it ends. */
    CmdResult admin(String... args) {
        List<String> full = new ArrayList<>(List.of("control"));
        full.addAll(List.of(args));
        full.addAll(List.of("--state-dir", stateDir.toString()));
        return ns.exec(Duration.ofSeconds(60), TsjCommand.of(full.toArray(String[]::new)).toArray(String[]::new));
    }

    /** An admin command that must succeed, with {@code --json}: its answer. */
    JsonNode adminJson(String... args) {
        List<String> full = new ArrayList<>(List.of(args));
        full.add("--json");
        CmdResult r = admin(full.toArray(String[]::new));
        if (!r.ok()) {
            throw new AssertionError(r.describe() + "\n" + diagnostics());
        }
        return parseJson(r);
    }

    static JsonNode parseJson(CmdResult r) {
        String out = r.output();
        int obj = out.indexOf('{');
        int arr = out.indexOf('[');
        int start = obj < 0 ? arr : arr < 0 ? obj : Math.min(obj, arr);
        if (start < 0) {
            throw new AssertionError("no JSON in the output of " + r.describe());
        }
        try {
            return JSON.readTree(out.substring(start));
        } catch (IOException e) {
            throw new AssertionError("unparsable JSON from " + r.describe(), e);
        }
    }

    void createUser(String name) {
        adminJson("users", "create", name);
    }

    /** A new auth key's secret, e.g. {@code createKey("alice", "--reusable")}. */
    String createKey(String user, String... options) {
        List<String> args = new ArrayList<>(List.of("authkeys", "create", "--user", user));
        args.addAll(List.of(options));
        return adminJson(args.toArray(String[]::new)).path("key").asText();
    }

    /** {@code tsj relay stats --json} for the embedded relay, which must answer. */
    JsonNode relayStats() {
        CmdResult r = ns.exec(Duration.ofSeconds(60), TsjCommand.of("relay", "stats", "--state-dir", stateDir.toString(), "--json")
                .toArray(String[]::new));
        if (!r.ok()) {
            throw new AssertionError(r.describe() + "\n" + diagnostics());
        }
        return parseJson(r);
    }

    /** The server's process id (its JVM: {@code ip netns exec} execs it), e.g. to read its CPU time. */
    long pid() {
        return process.pid();
    }

    /** The server's log tail, for failure messages. */
    String diagnostics() {
        return process == null ? "(control server not started)\n" : process.tail();
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }

    @Override
    public String toString() {
        return "control server " + url();
    }
}
