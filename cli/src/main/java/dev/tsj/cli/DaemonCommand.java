package dev.tsj.cli;

import dev.tsj.daemon.NodeDaemon;
import dev.tsj.daemon.Signals;
import dev.tsj.daemon.localapi.LocalApiServer;
import dev.tsj.daemon.uapi.UapiServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tsj daemon}: tsjd in the foreground, as systemd runs it. */
@Command(name = "daemon", description = {
        "Run the tsj node daemon (tsjd) in the foreground.",
        "Until 'tsj up' it is configured by 'wg' over /var/run/wireguard/NAME.sock, like wireguard-go;",
        "after 'tsj up' the coordination server's netmap configures it."})
final class DaemonCommand implements Callable<Integer> {
    @Option(names = "--tun", description = "TUN interface name (default ${DEFAULT-VALUE})", defaultValue = "tsj0")
    String tun;

    @Option(names = "--port", description = "UDP port to listen on, 0 for any (default ${DEFAULT-VALUE})", defaultValue = "41641")
    int port;

    @Option(names = "--mtu", description = "interface MTU (default ${DEFAULT-VALUE})", defaultValue = "1420")
    int mtu;

    @Option(names = "--state", description = "state file, mem: to keep nothing on disk, or kube:SECRET in a Kubernetes pod (default /var/lib/tsj/tsjd.state)")
    String state;

    @Option(names = "--socket", description = "LocalAPI socket (default ${DEFAULT-VALUE})", defaultValue = "/var/run/tsj/tsjd.sock")
    Path socket;

    @Option(names = "--operator", description = "a non-root user allowed to run tsj commands against this daemon")
    String operator;

    @Option(names = "--no-offloads", description = "do not negotiate TUN segmentation offloads (TSO/GRO)")
    boolean noOffloads;

    @Option(names = {"-f", "--foreground"}, description = "accepted for wireguard-go compatibility; tsjd always runs in the foreground")
    boolean foreground;

    @Option(names = "--cleanup", description = "remove what a crashed tsjd left behind (routes, rules, interface, sockets) and exit")
    boolean cleanup;

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
        if (cleanup) {
            dev.tsj.daemon.Cleanup.run(name, uapiDir, socket);
            return 0;
        }
        CountDownLatch stop = Signals.stopRequest();
        NodeDaemon d;
        try {
            d = NodeDaemon.start(new NodeDaemon.Options(name, port, mtu, !noOffloads,
                    uapiDir == null ? UapiServer.DEFAULT_DIR : uapiDir,
                    socket == null ? LocalApiServer.DEFAULT_SOCKET : socket, state, operator));
        } catch (java.io.IOException | IllegalArgumentException e) {
            System.err.println("tsj daemon: " + e.getMessage());
            return 1;
        }
        stop.await();
        d.close();
        return 0;
    }
}
