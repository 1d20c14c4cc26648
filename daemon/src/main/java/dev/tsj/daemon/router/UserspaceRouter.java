package dev.tsj.daemon.router;

import dev.tsj.tun.netstack.IpAddress;
import dev.tsj.tun.netstack.IpPrefix;
import dev.tsj.tun.netstack.NetStack;
import dev.tsj.tun.netstack.PrefixSet;
import dev.tsj.tun.netstack.forward.SubnetForwarder;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The "host side" of a node in userspace mode, which is the stack in the daemon: the node's
 * addresses go on the stack; the routes into the tunnel (tailnet ranges, accepted subnet
 * routes) decide which destinations the proxies dial through the tailnet; advertised
 * routes make the stack terminate tailnet flows to them and re-open them from host
 * sockets ({@link SubnetForwarder}), which source-NATs them by construction.
 */
public final class UserspaceRouter implements Router {
    private static final Logger LOG = Logger.getLogger(UserspaceRouter.class.getName());

    private final NetStack stack;
    private final SubnetForwarder.Options forwarding;
    private volatile PrefixSet tunnelRoutes = PrefixSet.EMPTY;
    private volatile List<String> problems = List.of();
    private List<String> advertised = List.of();

    public UserspaceRouter(NetStack stack, SubnetForwarder.Options forwarding) {
        this.stack = stack;
        this.forwarding = forwarding;
    }

    @Override
    public synchronized void apply(Config config) {
        List<IpAddress> addrs = new ArrayList<>();
        for (String a : config.addresses()) {
            addrs.add(IpPrefix.parse(a).address());
        }
        stack.setAddresses(addrs);
        tunnelRoutes = PrefixSet.parse(config.routes().toArray(String[]::new));
        if (!config.advertised().equals(advertised)) {
            if (config.advertised().isEmpty()) {
                SubnetForwarder.uninstall(stack);
            } else {
                SubnetForwarder.install(stack, PrefixSet.parse(config.advertised().toArray(String[]::new)), forwarding);
                LOG.info("routing for " + config.advertised() + " from this host's sockets (userspace: source NAT by construction)");
            }
            advertised = config.advertised();
        }
        List<String> issues = new ArrayList<>();
        if (!config.advertised().isEmpty() && !config.snat()) {
            issues.add("--snat-subnet-routes=false has no effect in userspace mode: flows to advertised routes"
                    + " are re-opened from this host's sockets, so the subnet always sees the router's address");
        }
        if (!issues.equals(problems)) {
            issues.forEach(LOG::warning);
        }
        problems = List.copyOf(issues);
    }

    /** Whether the proxies should reach {@code address} through the tailnet. */
    public boolean routesToTunnel(InetAddress address) {
        return tunnelRoutes.contains(IpAddress.of(address));
    }

    @Override
    public List<String> problems() {
        return problems;
    }

    /** Takes the node's addresses and routes off the stack (tsj down); {@link #apply} may follow. */
    @Override
    public synchronized void close() {
        stack.setAddresses(List.of());
        tunnelRoutes = PrefixSet.EMPTY;
        if (!advertised.isEmpty()) {
            SubnetForwarder.uninstall(stack);
            advertised = List.of();
        }
        problems = List.of();
    }
}
