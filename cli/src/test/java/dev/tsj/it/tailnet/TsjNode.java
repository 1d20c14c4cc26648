package dev.tsj.it.tailnet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tsj.cli.client.LocalApiClient;
import dev.tsj.it.BgProcess;
import dev.tsj.it.CmdResult;
import dev.tsj.it.Netns;
import dev.tsj.it.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One tailnet node: tsjd ({@code tsj daemon}) in a namespace, with its own TUN name, state
 * file and LocalAPI socket (namespaces share the filesystem, so every daemon gets a socket
 * of its own), and the {@code tsj} client commands a user runs against it. Status is read
 * through the LocalAPI directly: it is the JSON {@code tsj status --json} prints, without a
 * JVM start per poll.
 */
final class TsjNode implements AutoCloseable {
    static final int WG_PORT = 41641;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    final String name;
    final Netns ns;
    final String tun;
    final Path socket;
    final Path state;
    private final Path log;
    private BgProcess daemon;
    /** What {@code --tun} says: the interface name, or userspace-networking. */
    private String tunArg;
    /** Put before the daemon's command line, e.g. setpriv to run it as another user. */
    private List<String> runAs = List.of();
    private List<String> daemonFlags = List.of();

    /** A node called {@code name} in the tailnet, its files under the lab's work directory. */
    TsjNode(Lab lab, Netns ns, String name) {
        this(lab, ns, name, lab.work.resolve(name + ".state"));
    }

    TsjNode(Lab lab, Netns ns, String name, Path state) {
        this(lab, ns, name, state, lab.work.resolve(name + ".sock"));
    }

    /** A node whose state file and LocalAPI socket go in {@code dir} (one its user can write). */
    static TsjNode withFilesIn(Lab lab, Netns ns, String name, Path dir) {
        return new TsjNode(lab, ns, name, dir.resolve(name + ".state"), dir.resolve(name + ".sock"));
    }

    private TsjNode(Lab lab, Netns ns, String name, Path state, Path socket) {
        this.name = name;
        this.ns = ns;
        this.tun = lab.ifName(name, "w");
        this.tunArg = tun;
        this.socket = socket;
        this.state = state;
        this.log = lab.logs.resolve(name + ".log");
        lab.own(this);
    }

    /**
     * Makes the next {@link #start} run tsjd with {@code --tun=userspace-networking} and
     * {@code flags}, its command line prefixed by {@code runAs} (empty: as the test's user).
     */
    TsjNode userspace(List<String> runAs, String... flags) {
        this.tunArg = "userspace-networking";
        this.runAs = List.copyOf(runAs);
        this.daemonFlags = List.of(flags);
        return this;
    }

    /** Starts tsjd and waits until its LocalAPI answers. */
    TsjNode start() {
        List<String> args = new ArrayList<>(List.of("daemon", "--tun", tunArg, "--state", state.toString(),
                "--socket", socket.toString(), "--port", Integer.toString(WG_PORT)));
        args.addAll(daemonFlags);
        List<String> cmd = new ArrayList<>(runAs);
        cmd.addAll(TsjCommand.of(args.toArray(String[]::new)));
        daemon = ns.spawn(name, log, Map.of(), cmd.toArray(String[]::new));
        Poll.until(START_TIMEOUT, "tsjd " + name + " to answer on " + socket, this::diagnostics, () -> {
            if (!daemon.alive()) {
                throw new AssertionError("tsjd " + name + " exited during start-up");
            }
            return Files.exists(socket) && status() != null;
        });
        return this;
    }

    BgProcess daemon() {
        return daemon;
    }

    boolean running() {
        return daemon != null && daemon.alive();
    }

    /** {@code tsj ARGS --socket S} inside the node's namespace, however it ends. */
    CmdResult tsj(String... args) {
        List<String> full = new ArrayList<>(List.of(args));
        full.addAll(List.of("--socket", socket.toString()));
        return ns.exec(Duration.ofSeconds(90), TsjCommand.of(full.toArray(String[]::new)).toArray(String[]::new));
    }

    /** {@code tsj up --login-server URL --auth-key KEY --hostname NAME EXTRA...}, however it ends. */
    CmdResult up(ControlServer server, String authKey, String... extra) {
        List<String> args = new ArrayList<>(List.of("up", "--login-server", server.url(), "--auth-key", authKey, "--hostname", name));
        args.addAll(List.of(extra));
        return tsj(args.toArray(String[]::new));
    }

    /** As {@link #up}, which must succeed. */
    void upOk(ControlServer server, String authKey, String... extra) {
        CmdResult r = up(server, authKey, extra);
        if (!r.ok()) {
            throw new AssertionError(r.describe() + "\n" + diagnostics() + server.diagnostics());
        }
    }

    /** {@code tsj status --json} as the LocalAPI answers it. */
    JsonNode status() throws LocalApiClient.ApiException {
        return new LocalApiClient(socket).get("/localapi/v0/status");
    }

    /** The node's first tailnet address of a family, from its status. */
    String ip(boolean v6) throws LocalApiClient.ApiException {
        for (JsonNode a : status().path("TailscaleIPs")) {
            if (a.asText().contains(":") == v6) {
                return a.asText();
            }
        }
        throw new AssertionError(name + " has no " + (v6 ? "IPv6" : "IPv4") + " tailnet address\n" + diagnostics());
    }

    String ipv4() throws LocalApiClient.ApiException {
        return ip(false);
    }

    String ipv6() throws LocalApiClient.ApiException {
        return ip(true);
    }

    /** The peer called {@code hostName} in this node's status, if it lists one. */
    Optional<JsonNode> peer(String hostName) throws LocalApiClient.ApiException {
        return peerIn(status(), hostName);
    }

    static Optional<JsonNode> peerIn(JsonNode status, String hostName) {
        for (Iterator<JsonNode> it = status.path("Peer").elements(); it.hasNext(); ) {
            JsonNode p = it.next();
            if (p.path("HostName").asText().equals(hostName)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Host names of the peers in this node's status. */
    List<String> peerNames() throws LocalApiClient.ApiException {
        List<String> names = new ArrayList<>();
        status().path("Peer").forEach(p -> names.add(p.path("HostName").asText()));
        return names;
    }

    /** SIGTERM, as systemd stops it: tsjd must remove what it added and exit 0. */
    void stop() {
        daemon.signal("TERM");
        int code = daemon.awaitExit(Duration.ofSeconds(30));
        if (code != 0) {
            throw new AssertionError("tsjd " + name + " exited " + code + " on SIGTERM\n" + daemon.tail());
        }
    }

    /** SIGKILL: a crash, nothing cleaned up. */
    void kill() {
        daemon.signal("KILL");
        daemon.awaitExit(Duration.ofSeconds(30));
    }

    /** The daemon's log tail and, when it answers, its status, for failure messages. */
    String diagnostics() {
        StringBuilder sb = new StringBuilder(daemon == null ? "(tsjd " + name + " not started)\n" : daemon.tail());
        if (running()) {
            try {
                sb.append("--- status of ").append(name).append(" ---\n").append(status().toPrettyString()).append('\n');
            } catch (LocalApiClient.ApiException e) {
                sb.append("(status of ").append(name).append(": ").append(e.getMessage()).append(")\n");
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Override
    public String toString() {
        return "tsjd " + name;
    }
}
