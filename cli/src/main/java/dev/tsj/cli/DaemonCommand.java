package dev.tsj.cli;

import dev.tsj.daemon.NodeDaemon;
import dev.tsj.daemon.dataplane.Dataplane;
import dev.tsj.daemon.dataplane.ProxySettings;
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
        "after 'tsj up' the coordination server's netmap configures it.",
        "",
        "With --tun=userspace-networking it needs no TUN device, no root and no capabilities: the node's",
        "tailnet addresses live on a network stack inside the daemon. Connections from the tailnet to port P",
        "of the node go to 127.0.0.1:P on this host; advertised routes are reached from this host's own",
        "sockets (the subnet sees this host's address); local programs reach the tailnet through the",
        "SOCKS5 and HTTP proxies, which send tailnet addresses, MagicDNS names and accepted subnet routes",
        "through the tailnet and every other destination out of this host's network, as Tailscale does.",
        "As a non-root user pass --socket and --state (the defaults are root's), and give 'tsj' the same --socket."})
final class DaemonCommand implements Callable<Integer> {
    @Option(names = "--tun", description = "TUN interface name, or userspace-networking for no TUN (default ${DEFAULT-VALUE})",
            defaultValue = "tsj0")
    String tun;

    @Option(names = "--socks5-server", paramLabel = "ADDR:PORT",
            description = "userspace mode: serve a SOCKS5 proxy (CONNECT, UDP ASSOCIATE) on ADDR:PORT, e.g. localhost:1055")
    String socks5;

    @Option(names = "--outbound-http-proxy-listen", paramLabel = "ADDR:PORT",
            description = "userspace mode: serve an HTTP proxy (CONNECT and plain requests) on ADDR:PORT; may equal --socks5-server")
    String httpProxy;

    @Option(names = "--proxy-auth-file", paramLabel = "FILE",
            description = "the proxies require the USER:PASSWORD on this file's one line (SOCKS5 RFC 1929, HTTP Basic)")
    Path proxyAuthFile;

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

    /** Default /var/run/wireguard; in userspace mode there is no UAPI socket unless this is given. */
    @Option(names = "--uapi-dir", hidden = true)
    Path uapiDir;

    @Parameters(arity = "0..1", paramLabel = "INTERFACE", description = "interface name, as wireguard-go takes it")
    String positionalName;

    /** The proxy flags, which only userspace mode takes; one-line errors. */
    private ProxySettings proxies(boolean userspace) throws java.io.IOException {
        if (!userspace && (socks5 != null || httpProxy != null || proxyAuthFile != null)) {
            throw new IllegalArgumentException("--socks5-server, --outbound-http-proxy-listen and --proxy-auth-file need"
                    + " --tun=userspace-networking (with a TUN, programs reach the tailnet directly)");
        }
        if (proxyAuthFile != null && socks5 == null && httpProxy == null) {
            throw new IllegalArgumentException("--proxy-auth-file needs --socks5-server or --outbound-http-proxy-listen");
        }
        return new ProxySettings(ProxySettings.parseListen("--socks5-server", socks5),
                ProxySettings.parseListen("--outbound-http-proxy-listen", httpProxy),
                proxyAuthFile == null ? null : ProxySettings.readCredentials(proxyAuthFile));
    }

    @Override
    public Integer call() throws Exception {
        String name = positionalName != null ? positionalName : tun;
        if (port < 0 || port > 65535) {
            System.err.println("tsj daemon: --port must be 0-65535");
            return 2;
        }
        if (cleanup) {
            dev.tsj.daemon.Cleanup.run(name, uapiDir == null ? UapiServer.DEFAULT_DIR : uapiDir, socket);
            return 0;
        }
        boolean userspace = Dataplane.USERSPACE.equals(name);
        ProxySettings proxies;
        try {
            proxies = proxies(userspace);
            UserPaths.checkWritable(socket, state);
        } catch (IllegalArgumentException | java.io.IOException e) {
            System.err.println("tsj daemon: " + e.getMessage());
            return 2;
        }
        CountDownLatch stop = Signals.stopRequest();
        NodeDaemon d;
        try {
            d = NodeDaemon.start(new NodeDaemon.Options(name, port, mtu, !noOffloads, uapiDir,
                    socket == null ? LocalApiServer.DEFAULT_SOCKET : socket, state, operator, proxies, null));
        } catch (java.io.IOException | IllegalArgumentException e) {
            System.err.println("tsj daemon: " + e.getMessage());
            return 1;
        }
        stop.await();
        d.close();
        return 0;
    }
}
