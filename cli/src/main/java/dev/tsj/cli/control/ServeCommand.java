package dev.tsj.cli.control;

import dev.tsj.control.EventLog;
import dev.tsj.control.admin.AdminException;
import dev.tsj.control.api.IpLiterals;
import dev.tsj.control.core.TailnetConfig;
import dev.tsj.control.server.ControlServer;
import dev.tsj.control.server.ServerConfig;
import dev.tsj.control.store.StoreException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tsj control serve}: runs the coordination server until SIGTERM/SIGINT. */
@Command(name = "serve", description = "Run the coordination server (logs one event per line on stderr)")
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--listen", paramLabel = "ADDR:PORT", defaultValue = "0.0.0.0:8080",
            description = "Address of the HTTP front door and control channel (default: ${DEFAULT-VALUE})")
    String listen;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = ServerConfig.DEFAULT_STATE_DIR,
            description = "Server key, database and admin socket (default: ${DEFAULT-VALUE})")
    Path stateDir;

    @Option(names = "--db", paramLabel = "URL",
            description = "Database: sqlite:PATH (default: sqlite in the state dir)")
    String db;

    @Option(names = "--domain", paramLabel = "DOMAIN", defaultValue = TailnetConfig.DEFAULT_DOMAIN,
            description = "DNS suffix of node names (default: ${DEFAULT-VALUE})")
    String domain;

    @Option(names = "--node-key-expiry", paramLabel = "DURATION", defaultValue = "180d",
            converter = AuthKeysCommand.DurationConverter.class,
            description = "Lifetime of a user node's key (default: ${DEFAULT-VALUE})")
    Duration nodeKeyExpiry;

    @Option(names = "--ephemeral-timeout", paramLabel = "DURATION", defaultValue = "5m",
            converter = AuthKeysCommand.DurationConverter.class,
            description = "Offline time after which an ephemeral node is deleted (default: ${DEFAULT-VALUE})")
    Duration ephemeralTimeout;

    @Option(names = "--keepalive", paramLabel = "DURATION", defaultValue = "5s",
            converter = AuthKeysCommand.DurationConverter.class,
            description = "Map-session keepalive; a session silent 2.5 times this is dead (default: ${DEFAULT-VALUE})")
    Duration keepAlive;

    @Option(names = "--policy", paramLabel = "FILE",
            description = "Put this policy in force at start, replacing the stored one (refused if invalid)")
    Path policyFile;

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        String policy = null;
        if (policyFile != null) {
            try {
                policy = PolicyCommand.read(policyFile);
                PolicyCommand.parse(policyFile, policy);
            } catch (AdminException e) {
                err.println("tsj: --policy: " + e.getMessage());
                return 1;
            }
        }
        InetSocketAddress addr;
        try {
            addr = parseListen(listen);
        } catch (IllegalArgumentException e) {
            err.println("tsj: --listen: " + e.getMessage());
            return 2;
        }
        if (keepAlive.compareTo(Duration.ofSeconds(1)) < 0 || ephemeralTimeout.isNegative() || nodeKeyExpiry.isZero()) {
            err.println("tsj: --keepalive must be at least 1s, --ephemeral-timeout and --node-key-expiry positive");
            return 2;
        }
        if (!domain.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
            err.println("tsj: --domain must be a lower-case DNS name such as tsj.internal");
            return 2;
        }
        TailnetConfig tc = new TailnetConfig(domain, nodeKeyExpiry, ephemeralTimeout, keepAlive,
                TailnetConfig.defaults().deltaInterval());
        ControlServer server;
        try {
            server = ControlServer.start(new ServerConfig(addr, stateDir, db, tc, policy), EventLog.stderr());
        } catch (IOException | StoreException e) {
            err.println("tsj: cannot start the control server: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "control-shutdown"));
        dev.tsj.daemon.SdNotify.notify("READY=1\nSTATUS=serving");
        try {
            server.awaitClosed();
        } catch (InterruptedException e) {
            server.close();
        }
        return 0;
    }

    static InetSocketAddress parseListen(String text) {
        String s = text.strip();
        if (s.startsWith(":")) {
            s = "0.0.0.0" + s;
        }
        return IpLiterals.parseListenAddress(s);
    }

    /** For tests: the parsed command line's server config, without starting anything. */
    static CommandLine commandLine() {
        return new CommandLine(new ServeCommand());
    }
}
