package dev.tsj.cli.containerboot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tsj.cli.client.LocalApiClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * The container's main process: checks the settings, starts the daemon (in this JVM, see
 * {@link DaemonThread}), waits for its LocalAPI, runs {@code tsj up}, sets up
 * TSJ_DEST_IP's forwarding, then stays in the foreground until SIGTERM/SIGINT, which it
 * forwards to the daemon, or until the daemon stops by itself (whose exit code it
 * returns). An ephemeral node (TSJ_STATE=mem:) logs out first, so the tailnet does not
 * keep a node no container will ever bring back.
 */
final class Containerboot {
    static final Duration DAEMON_START = Duration.ofSeconds(60);
    static final Duration LOGOUT_WAIT = Duration.ofSeconds(5);
    static final Duration STOP_WAIT = Duration.ofSeconds(20);
    static final String UP_TIMEOUT = "120s";

    private final BootConfig cfg;
    private final PrintStream out;
    private final PrintStream err;
    private final LocalApiClient api;

    private Containerboot(BootConfig cfg, PrintStream out, PrintStream err) {
        this.cfg = cfg;
        this.out = out;
        this.err = err;
        this.api = new LocalApiClient(cfg.socket());
    }

    /** Runs to the end; returns the exit code (2 for a refused setting). */
    static int run(Map<String, String> env, Host host, PrintStream out, PrintStream err) {
        BootConfig cfg;
        try {
            cfg = BootConfig.parse(env, host);
            CliArgs.check(cfg);
        } catch (BootConfigException e) {
            err.println("containerboot: " + e.getMessage());
            return 2;
        }
        warnUnknown(env, err);
        return new Containerboot(cfg, out, err).supervise();
    }

    private static void warnUnknown(Map<String, String> env, PrintStream err) {
        for (String name : env.keySet()) {
            if (name.startsWith("TSJ_") && !BootEnv.ALL.contains(name) && !BootEnv.OTHERS.contains(name)) {
                err.println("containerboot: warning: " + name + " is not a setting containerboot knows (a typo?)");
            }
            String tsj = BootEnv.tsjNameFor(name);
            if (tsj != null && !env.containsKey(tsj)) {
                err.println("containerboot: warning: " + name + " is Tailscale's name; tsj reads " + tsj);
            }
        }
    }

    private int supervise() {
        out.println("containerboot: starting tsjd (" + (cfg.userspace() ? "userspace networking" : "TUN " + BootConfig.TUN_NAME)
                + ", state " + cfg.state().daemonArg() + (cfg.socks5Server() == null ? "" : ", SOCKS5 " + cfg.socks5Server())
                + (cfg.httpProxyListen() == null ? "" : ", HTTP proxy " + cfg.httpProxyListen())
                + (cfg.destIp() == null ? "" : ", forwarding to " + cfg.destIp().getHostAddress()) + ")");
        HealthServer health = null;
        DaemonThread daemon = null;
        StopSignals signals = null;
        DestNat nat = cfg.destIp() == null ? null : new DestNat(BootConfig.TUN_NAME, cfg.destIp());
        boolean up = false;
        try {
            if (cfg.healthAddr() != null) {
                health = HealthServer.start(cfg.healthAddr(), this::notReadyReason);
            }
            daemon = DaemonThread.start(cfg);
            JsonNode status = awaitLocalApi(daemon);
            if (status == null) {
                return daemon.exitCode(); // it said why (one line), or it was stopped before it was up
            }
            signals = StopSignals.takeOver(); // the daemon has installed its handler by now
            String backend = status.path("BackendState").asText();
            boolean needsLogin = backend.equals("NeedsLogin") || backend.equals("NoState");
            if (needsLogin && cfg.authKey() == null && ArgList.findFlag(cfg.upArgs(), "--auth-key", "--authkey") == null) {
                err.println("containerboot: no auth key (TSJ_AUTH_KEY) and no stored node state in "
                        + cfg.state().daemonArg() + ": nothing to log in with");
                return 2;
            }
            int rc = runUp(cfg.authKeyFor(needsLogin));
            if (rc != 0) {
                err.println("containerboot: tsj up failed (exit " + rc + "); stopping");
                return 1;
            }
            up = true;
            List<String> ips = addresses();
            if (nat != null) {
                nat.install(ips);
            }
            out.println("containerboot: node is up at " + String.join(", ", ips));
            return waitForEnd(daemon, signals, nat);
        } catch (IOException | CommandLine.PicocliException e) {
            err.println("containerboot: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            if (up && cfg.state().ephemeral() && daemon.isAlive()) {
                logout();
            }
            if (nat != null) {
                nat.remove();
            }
            if (daemon != null && daemon.isAlive()) {
                stopDaemon(daemon, signals != null ? signals : StopSignals.takeOver());
            }
            if (health != null) {
                health.close();
            }
        }
    }

    /** Polls until the daemon answers; null when it stopped first. */
    private JsonNode awaitLocalApi(DaemonThread daemon) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + DAEMON_START.toNanos();
        while (System.nanoTime() < deadline) {
            if (!daemon.isAlive()) {
                return null;
            }
            if (Files.exists(cfg.socket())) {
                try {
                    return api.get("/localapi/v0/status");
                } catch (LocalApiClient.ApiException e) {
                    // the socket exists but the daemon is not serving yet
                }
            }
            try {
                daemon.exit().get(100, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                // still starting
            }
        }
        throw new IOException("tsjd did not answer on " + cfg.socket() + " within " + DAEMON_START.toSeconds() + " s");
    }

    private int runUp(String authKey) {
        List<String> args = new ArrayList<>(List.of("up", "--socket", cfg.socket().toString()));
        if (cfg.loginServer() != null) {
            args.addAll(List.of("--login-server", cfg.loginServer()));
        }
        if (authKey != null) {
            args.addAll(List.of("--auth-key", authKey));
        }
        if (cfg.hostname() != null) {
            args.addAll(List.of("--hostname", cfg.hostname()));
        }
        if (cfg.routes() != null) {
            args.add("--advertise-routes=" + String.join(",", cfg.routes()));
        }
        if (cfg.acceptRoutes() != null) {
            args.add("--accept-routes=" + cfg.acceptRoutes());
        }
        if (ArgList.findFlag(cfg.upArgs(), "--timeout") == null) {
            args.addAll(List.of("--timeout", UP_TIMEOUT));
        }
        args.addAll(cfg.upArgs());
        return CliArgs.commandLine().execute(args.toArray(String[]::new));
    }

    private List<String> addresses() throws IOException {
        try {
            List<String> ips = new ArrayList<>();
            api.get("/localapi/v0/status").path("TailscaleIPs").forEach(n -> ips.add(n.asText()));
            return ips;
        } catch (LocalApiClient.ApiException e) {
            throw new IOException("reading the node's addresses: " + e.getMessage());
        }
    }

    /** For the health endpoint: null when the node is Running with an address. */
    private String notReadyReason() {
        try {
            JsonNode st = api.get("/localapi/v0/status");
            String backend = st.path("BackendState").asText();
            if (backend.equals("Running") && !st.path("TailscaleIPs").isEmpty()) {
                return null;
            }
            return "the node is " + backend;
        } catch (LocalApiClient.ApiException e) {
            return "tsjd is not answering (" + e.getMessage() + ")";
        }
    }

    private int waitForEnd(DaemonThread daemon, StopSignals signals, DestNat nat) throws InterruptedException {
        int ticks = 0;
        while (!signals.requested().await(1, TimeUnit.SECONDS)) {
            if (!daemon.isAlive()) {
                int code = daemon.exitCode();
                err.println("containerboot: tsjd stopped (exit " + code + ")");
                return code == 0 ? 1 : code;
            }
            if (nat != null && ++ticks % 5 == 0) {
                try {
                    nat.install(addresses()); // a new address after a re-login moves the forwarding with it
                } catch (IOException e) {
                    err.println("containerboot: " + e.getMessage());
                }
            }
        }
        out.println("containerboot: stopping");
        return 0;
    }

    private void logout() {
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                api.post("/localapi/v0/logout", null);
                out.println("containerboot: ephemeral node logged out");
            } catch (LocalApiClient.ApiException e) {
                err.println("containerboot: logout: " + e.getMessage());
            }
        });
        try {
            if (!t.join(LOGOUT_WAIT)) {
                err.println("containerboot: logout did not finish within " + LOGOUT_WAIT.toSeconds() + " s; stopping anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The signal to the daemon (it removes its routes, interface and sockets), then waits for it. */
    private void stopDaemon(DaemonThread daemon, StopSignals signals) {
        signals.forwardToDaemon();
        try {
            daemon.exit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            err.println("containerboot: tsjd did not stop within " + STOP_WAIT.toSeconds() + " s; exiting");
        } catch (java.util.concurrent.ExecutionException e) {
            // it ended
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
