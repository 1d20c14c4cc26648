package dev.tsj.cli.control;

import dev.tsj.control.EventLog;
import dev.tsj.control.admin.AdminException;
import dev.tsj.control.api.IpLiterals;
import dev.tsj.control.api.RelayNode;
import dev.tsj.control.core.TailnetConfig;
import dev.tsj.control.relay.ControlRelayConfig;
import dev.tsj.control.relay.RelayListing;
import dev.tsj.control.relay.RelayServerConfig;
import dev.tsj.control.server.ControlServer;
import dev.tsj.control.server.ServerConfig;
import dev.tsj.control.store.StoreException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    @Option(names = "--relay-name", paramLabel = "NAME", defaultValue = RelayServerConfig.DEFAULT_NAME,
            description = "Name of the embedded relay (GET /relay on this port) as nodes show it (default: ${DEFAULT-VALUE})")
    String relayName;

    @Option(names = "--relay-region", paramLabel = "N", defaultValue = "1",
            description = "Region id of the embedded relay in the relay map (default: ${DEFAULT-VALUE})")
    int relayRegion;

    @Option(names = "--no-relay", description = "Run no embedded relay")
    boolean noRelay;

    @Option(names = "--relay", split = ",", paramLabel = "[NAME=]URL",
            description = "Standalone relays (tsj relay serve) to list in the netmap: "
                    + "[NAME=]http://HOST:PORT[?region=N&stun=P&stunalt=P&key=PUBKEY], comma-separated")
    List<String> relays = new ArrayList<>();

    @Option(names = "--stun-port", paramLabel = "PORT", defaultValue = "3478",
            description = "UDP port of the STUN responder on the listen address; 0: no STUN (default: ${DEFAULT-VALUE})")
    int stunPort;

    @Option(names = "--stun-alt-port", paramLabel = "PORT",
            description = "Second STUN port, so nodes can tell a hard NAT (default: --stun-port + 1; 0: none)")
    Integer stunAltPort;

    /** The relay side of the config from the flags; throws IllegalArgumentException with a one-line reason. */
    ControlRelayConfig relayConfig() {
        if (stunPort < 0 || stunPort > 65_535 || stunAltPort != null && (stunAltPort < 0 || stunAltPort > 65_535)) {
            throw new IllegalArgumentException("--stun-port and --stun-alt-port must be 0 to 65535");
        }
        Integer stun = stunPort == 0 ? null : stunPort;
        int alt = stunAltPort != null ? stunAltPort : stunPort == 0 || stunPort == 65_535 ? 0 : stunPort + 1;
        List<RelayNode> listed = new ArrayList<>();
        int region = 1;
        for (String spec : relays) {
            while (!noRelay && region == relayRegion || taken(listed, region)) {
                region++;
            }
            RelayNode r = RelayListing.parse(spec, region);
            listed.add(r);
        }
        return new ControlRelayConfig(!noRelay, RelayServerConfig.defaults(relayName), relayRegion, stun,
                alt == 0 ? null : alt, listed);
    }

    private static boolean taken(List<RelayNode> listed, int region) {
        return listed.stream().anyMatch(r -> r.regionId() == region);
    }

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
        ControlRelayConfig rc;
        try {
            rc = relayConfig();
        } catch (IllegalArgumentException e) {
            err.println("tsj: " + e.getMessage());
            return 2;
        }
        ControlServer server;
        try {
            server = ControlServer.start(new ServerConfig(addr, stateDir, db, tc, policy, rc), EventLog.stderr());
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
