package dev.tsj.cli;

import dev.tsj.daemon.Signals;
import dev.tsj.daemon.StandaloneDaemon;
import dev.tsj.daemon.uapi.UapiServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tsj daemon}: tsjd in the foreground, as systemd runs it. */
@Command(name = "daemon", description = "Run the tsj node daemon (tsjd) in the foreground")
final class DaemonCommand implements Callable<Integer> {
    @Option(names = "--tun", description = "TUN interface name (default ${DEFAULT-VALUE})", defaultValue = "tsj0")
    String tun;

    @Option(names = "--port", description = "UDP port to listen on, 0 for any (default ${DEFAULT-VALUE})", defaultValue = "41641")
    int port;

    @Option(names = "--mtu", description = "interface MTU (default ${DEFAULT-VALUE})", defaultValue = "1420")
    int mtu;

    @Option(names = "--no-offloads", description = "do not negotiate TUN segmentation offloads (TSO/GRO)")
    boolean noOffloads;

    @Option(names = {"-f", "--foreground"}, description = "accepted for wireguard-go compatibility; tsjd always runs in the foreground")
    boolean foreground;

    @Option(names = "--uapi-dir", hidden = true, defaultValue = "/var/run/wireguard")
    Path uapiDir;

    @Parameters(arity = "0..1", paramLabel = "INTERFACE", description = "interface name, as wireguard-go takes it")
    String positionalName;

    @Override
    public Integer call() throws Exception {
        String name = positionalName != null ? positionalName : tun;
        if (port < 0 || port > 65535) {
            System.err.println("tsj daemon: --port must be 0-65535");
            return 2;
        }
        CountDownLatch stop = Signals.stopRequest();
        StandaloneDaemon d;
        try {
            d = StandaloneDaemon.start(name, port, mtu, !noOffloads, uapiDir == null ? UapiServer.DEFAULT_DIR : uapiDir);
        } catch (java.io.IOException | IllegalArgumentException e) {
            System.err.println("tsj daemon: " + e.getMessage());
            return 1;
        }
        d.runUntilStopped(stop);
        return 0;
    }
}
