package dev.tsj.cli.containerboot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The node daemon, {@code tsj daemon} with the settings from the environment, run in
 * containerboot's own JVM: a second JVM would cost a sidecar some 45 MB and a second
 * start-up. It parses its flags exactly as the command line does (TSJ_DAEMON_EXTRA_ARGS
 * included), logs to the container's output, and installs its own SIGTERM handler, which
 * containerboot takes over once the daemon is up and calls when it is done (see
 * {@link StopSignals}).
 */
final class DaemonThread {
    static final String USERSPACE_TUN = "userspace-networking";

    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    private DaemonThread() {}

    /** The daemon's arguments (after {@code tsj}). */
    static List<String> daemonArgs(BootConfig c) {
        List<String> a = new ArrayList<>(List.of("daemon", "--tun", c.userspace() ? USERSPACE_TUN : BootConfig.TUN_NAME,
                "--state", c.state().daemonArg(), "--socket", c.socket().toString(),
                "--uapi-dir", uapiDir(c.socket()).toString()));
        if (c.socks5Server() != null) {
            a.addAll(List.of("--socks5-server", c.socks5Server()));
        }
        if (c.httpProxyListen() != null) {
            a.addAll(List.of("--outbound-http-proxy-listen", c.httpProxyListen()));
        }
        a.addAll(c.daemonArgs());
        return a;
    }

    /** Beside the LocalAPI socket: a directory containerboot's user can write, one per node. */
    static Path uapiDir(Path socket) {
        return socket.toAbsolutePath().getParent().resolve("wireguard");
    }

    static DaemonThread start(BootConfig c) {
        DaemonThread d = new DaemonThread();
        String[] args = daemonArgs(c).toArray(String[]::new);
        Thread.ofPlatform().name("tsjd").start(() -> {
            try {
                d.exit.complete(CliArgs.commandLine().execute(args));
            } catch (Throwable t) {
                d.exit.complete(1);
                throw t;
            }
        });
        return d;
    }

    boolean isAlive() {
        return !exit.isDone();
    }

    /** The daemon command's exit code; waits for it. */
    int exitCode() {
        return exit.join();
    }

    CompletableFuture<Integer> exit() {
        return exit;
    }
}
