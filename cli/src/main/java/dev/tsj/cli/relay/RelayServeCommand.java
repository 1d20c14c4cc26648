package dev.tsj.cli.relay;

import dev.tsj.control.EventLog;
import dev.tsj.control.api.IpLiterals;
import dev.tsj.control.relay.AdmitSecret;
import dev.tsj.control.relay.Admission;
import dev.tsj.control.relay.HttpAdmission;
import dev.tsj.control.relay.RelayServerConfig;
import dev.tsj.control.relay.StandaloneRelay;
import dev.tsj.control.server.ServerKeyFile;
import dev.tsj.crypto.PrivateKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tsj relay serve}: a relay on its own port, admitting the nodes a control server knows. */
@Command(name = "serve", description = {
        "Run a standalone relay until SIGTERM (logs one event per line on stderr).",
        "List it on the control server with: tsj control serve --relay NAME=http://HOST:PORT"})
final class RelayServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--listen", paramLabel = "ADDR:PORT", defaultValue = "0.0.0.0:8443",
            description = "TCP address for GET /relay (default: ${DEFAULT-VALUE})")
    String listen;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "relay",
            description = "Name shown to nodes; use the name you list it under (default: ${DEFAULT-VALUE})")
    String name;

    @Option(names = "--stun-port", paramLabel = "PORT", defaultValue = "3478",
            description = "UDP port of the STUN responder; 0: no STUN (default: ${DEFAULT-VALUE})")
    int stunPort;

    @Option(names = "--stun-alt-port", paramLabel = "PORT",
            description = "Second STUN port, so nodes can tell a hard NAT (default: --stun-port + 1; 0: none)")
    Integer stunAltPort;

    @Option(names = "--admit-url", paramLabel = "URL",
            description = "The control server (http://HOST:PORT) asked whether a node key belongs to the tailnet")
    URI admitUrl;

    @Option(names = "--admit-secret-file", paramLabel = "FILE",
            description = "Copy of the control server's STATE_DIR/relay-admit.secret (needed with --admit-url)")
    Path admitSecretFile;

    @Option(names = "--open", description = "Admit any node key (for tests only: an open relay forwards for anyone)")
    boolean open;

    @Option(names = "--key-file", paramLabel = "FILE",
            description = "The relay's private key, created if missing (default: a new key at every start);"
                    + " list it as key=$(tsj pubkey < FILE) so that nodes check the relay")
    Path keyFile;

    @Option(names = "--keepalive", paramLabel = "DURATION", defaultValue = "3s",
            converter = DurationOption.class,
            description = "How often the relay speaks on an idle connection (default: ${DEFAULT-VALUE})")
    Duration keepAlive;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        InetSocketAddress addr;
        RelayServerConfig config;
        Integer stun = stunPort == 0 ? null : stunPort;
        Integer alt = stunAltPort != null ? (stunAltPort == 0 ? null : stunAltPort)
                : stunPort == 0 || stunPort == 65_535 ? null : stunPort + 1;
        try {
            addr = IpLiterals.parseListenAddress(listen.startsWith(":") ? "0.0.0.0" + listen : listen);
            config = RelayServerConfig.defaults(name).withKeepAlive(keepAlive);
            if (stunPort < 0 || stunPort > 65_535 || alt != null && (alt < 1 || alt > 65_535)) {
                throw new IllegalArgumentException("--stun-port and --stun-alt-port must be 0 to 65535");
            }
        } catch (IllegalArgumentException e) {
            err.println("tsj: " + e.getMessage());
            return 2;
        }
        EventLog log = EventLog.stderr();
        Admission admission;
        if (open == (admitUrl != null)) {
            err.println("tsj: give --admit-url http://CONTROL:PORT with --admit-secret-file FILE"
                    + " (or --open, for tests only)");
            return 2;
        }
        try {
            if (open) {
                admission = Admission.everyone();
                log.warn("relay.open", "note", "admitting any node key (--open)");
            } else {
                if (admitSecretFile == null) {
                    err.println("tsj: --admit-url needs --admit-secret-file (the control server's "
                            + AdmitSecret.FILE + ")");
                    return 2;
                }
                admission = new HttpAdmission(admitUrl, AdmitSecret.read(admitSecretFile));
            }
            PrivateKey key = keyFile != null ? ServerKeyFile.loadOrCreateFile(keyFile, log) : PrivateKey.generate();
            StandaloneRelay relay = StandaloneRelay.start(addr, stun, alt, config, key, admission, log);
            Runtime.getRuntime().addShutdownHook(new Thread(relay::close, "relay-shutdown"));
            dev.tsj.daemon.SdNotify.notify("READY=1\nSTATUS=relaying");
            relay.awaitClosed();
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            err.println("tsj: cannot start the relay: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            return 0;
        }
    }

    /** Durations as the control commands take them: 90s, 5m, 180d. */
    static final class DurationOption implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return dev.tsj.control.util.DurationText.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
