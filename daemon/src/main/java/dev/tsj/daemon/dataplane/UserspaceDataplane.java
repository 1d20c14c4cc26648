package dev.tsj.daemon.dataplane;

import dev.tsj.control.api.IpLiterals;
import dev.tsj.daemon.router.Router;
import dev.tsj.daemon.router.UserspaceRouter;
import dev.tsj.tun.PacketDevice;
import dev.tsj.tun.netstack.NetStackConfig;
import dev.tsj.tun.netstack.UserspaceNetDevice;
import dev.tsj.tun.netstack.forward.InboundForwarder;
import dev.tsj.tun.netstack.forward.SubnetForwarder;
import dev.tsj.tun.netstack.proxy.HostDialer;
import dev.tsj.tun.netstack.proxy.ProxyServer;
import dev.tsj.tun.netstack.proxy.Resolver;
import dev.tsj.tun.netstack.proxy.RoutingDialer;
import dev.tsj.tun.netstack.proxy.TailnetDialer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Userspace networking: no TUN, no root. The node's tailnet addresses live on a network
 * stack in the daemon ({@link UserspaceNetDevice}); connections from the tailnet to port P
 * of the node go to 127.0.0.1:P on the host ({@link InboundForwarder}); advertised routes
 * are served from host sockets ({@link UserspaceRouter}); local programs reach the tailnet
 * through the SOCKS5 and HTTP proxies. The proxies send tailnet addresses and accepted
 * subnet routes through the stack and every other destination out of the host's own
 * network, as Tailscale's do, so one proxy setting serves both.
 */
public final class UserspaceDataplane implements Dataplane {
    private static final Logger LOG = Logger.getLogger(UserspaceDataplane.class.getName());
    private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);

    private final UserspaceNetDevice device;
    private final UserspaceRouter router;
    private final List<ProxyServer> proxies = new ArrayList<>();
    private final List<String> proxyText = new ArrayList<>();

    private UserspaceDataplane(UserspaceNetDevice device, UserspaceRouter router) {
        this.device = device;
        this.router = router;
    }

    /**
     * Builds the stack and binds the proxies; a proxy address that cannot be bound fails
     * here, with one line naming its flag.
     *
     * @param names resolves host names for the proxies (MagicDNS names first, then the system's)
     */
    public static UserspaceDataplane start(int mtu, ProxySettings proxy, Resolver names) throws IOException {
        UserspaceNetDevice dev = new UserspaceNetDevice(NetStackConfig.builder().mtu(mtu).build());
        UserspaceDataplane d = new UserspaceDataplane(dev, new UserspaceRouter(dev.stack(), SubnetForwarder.Options.defaults()));
        try {
            InboundForwarder.install(dev.stack(), InboundForwarder.Options.defaults());
            d.startProxies(proxy, names);
            return d;
        } catch (IOException | RuntimeException e) {
            d.close();
            dev.close();
            throw e;
        }
    }

    private void startProxies(ProxySettings p, Resolver names) throws IOException {
        RoutingDialer dialer = new RoutingDialer(names, router::routesToTunnel,
                new TailnetDialer(device.stack(), names, DIAL_TIMEOUT), new HostDialer(names, DIAL_TIMEOUT));
        boolean shared = p.socks5() != null && p.socks5().equals(p.http());
        if (p.socks5() != null) {
            listen("--socks5-server", p.socks5(), dialer, proxyOptions(true, shared, p));
        }
        if (p.http() != null && !shared) {
            listen("--outbound-http-proxy-listen", p.http(), dialer, proxyOptions(false, true, p));
        }
    }

    private static ProxyServer.Options proxyOptions(boolean socks5, boolean http, ProxySettings p) {
        return ProxyServer.Options.both().serving(socks5, http).withCredentials(p.credentials());
    }

    private void listen(String flag, InetSocketAddress at, RoutingDialer dialer, ProxyServer.Options options) throws IOException {
        try {
            ProxyServer s = ProxyServer.start(at, dialer, options);
            proxies.add(s);
            String what = options.socks5() && options.http() ? "SOCKS5 and HTTP proxy" : options.socks5() ? "SOCKS5 proxy" : "HTTP proxy";
            proxyText.add(what + " on " + IpLiterals.formatEndpoint(s.address()) + (options.credentials() == null ? "" : " (password required)"));
            LOG.info(proxyText.getLast());
            if (options.credentials() == null && !at.getAddress().isLoopbackAddress()) {
                LOG.warning(what + " on " + IpLiterals.formatEndpoint(s.address()) + " takes no password: whoever reaches that address"
                        + " uses the tailnet as this node (see --proxy-auth-file)");
            }
        } catch (IOException e) {
            throw new IOException(flag + ": cannot listen on " + IpLiterals.formatEndpoint(at) + ": " + e.getMessage());
        }
    }

    /** Where the proxies listen (port 0 resolved), in the order SOCKS5, HTTP. */
    public List<InetSocketAddress> proxyAddresses() {
        return proxies.stream().map(ProxyServer::address).toList();
    }

    @Override
    public PacketDevice device() {
        return device;
    }

    @Override
    public Router router() {
        return router;
    }

    @Override
    public boolean tun() {
        return false;
    }

    @Override
    public String describe() {
        return "userspace networking (no TUN)" + (proxyText.isEmpty() ? ", no proxies" : ", " + String.join(", ", proxyText));
    }

    @Override
    public void close() {
        proxies.forEach(ProxyServer::close);
        proxies.clear();
        router.close();
    }
}
