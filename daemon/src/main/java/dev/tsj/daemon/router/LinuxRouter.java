package dev.tsj.daemon.router;

import dev.tsj.tun.link.ConnectedNetwork;
import dev.tsj.tun.link.IpPrefix;
import dev.tsj.tun.link.LinkConfigurator;
import dev.tsj.tun.link.PolicyRule;
import dev.tsj.tun.link.Route;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Addresses and routes on a Linux host. Routes go into a table of tsj's own (52, as
 * Tailscale uses) consulted through one policy rule per family, so the host's main table
 * is never touched and removing tsj's state is removing that table and those rules.
 * A route that overlaps a network the host reaches directly is not installed; status says
 * so, since sending that network's traffic into the tunnel would cut the host off from it.
 */
public final class LinuxRouter implements Router {
    private static final Logger LOG = Logger.getLogger(LinuxRouter.class.getName());
    public static final int TABLE = 52;
    /** Below the main table's rule (32766), above anything an admin usually adds. */
    public static final int RULE_PRIORITY = 5270;

    private final LinkConfigurator link;
    private final String device;
    private final Set<String> addresses = new LinkedHashSet<>();
    private final Set<String> routes = new LinkedHashSet<>();
    private volatile List<String> problems = List.of();
    private boolean rulesInstalled;
    private final SnatBackend snat;
    private String snatState = "";

    public LinuxRouter(LinkConfigurator link, String device) {
        this.link = link;
        this.device = device;
        this.snat = Commands.onPath("nft") ? new NftSnat() : new IptablesSnat();
    }

    @Override
    public synchronized void apply(Config config) throws IOException {
        Set<String> wantAddrs = new LinkedHashSet<>(config.addresses());
        for (String a : new ArrayList<>(addresses)) {
            if (!wantAddrs.contains(a)) {
                link.removeAddress(device, IpPrefix.parse(a));
                addresses.remove(a);
            }
        }
        for (String a : wantAddrs) {
            if (addresses.add(a)) {
                link.addAddress(device, IpPrefix.parse(a));
            }
        }
        if (!config.routes().isEmpty() && !rulesInstalled) {
            link.addRule(PolicyRule.all(false, TABLE, RULE_PRIORITY));
            link.addRule(PolicyRule.all(true, TABLE, RULE_PRIORITY));
            rulesInstalled = true;
        }
        List<ConnectedNetwork> local = connected();
        List<String> issues = new ArrayList<>();
        Set<String> wantRoutes = new LinkedHashSet<>();
        for (String r : config.routes()) {
            IpPrefix p = IpPrefix.parse(r);
            ConnectedNetwork clash = local.stream()
                    .filter(n -> !n.device().equals(device) && n.network().overlaps(p))
                    .findFirst().orElse(null);
            if (clash != null) {
                issues.add("route " + r + " not installed: it overlaps " + clash.network() + " on " + clash.device()
                        + ", which this host reaches directly");
                continue;
            }
            wantRoutes.add(r);
        }
        for (String r : new ArrayList<>(routes)) {
            if (!wantRoutes.contains(r)) {
                link.removeRoute(new Route(IpPrefix.parse(r), device, TABLE));
                routes.remove(r);
            }
        }
        for (String r : wantRoutes) {
            if (routes.add(r)) {
                link.addRoute(new Route(IpPrefix.parse(r), device, TABLE));
            }
        }
        applySubnetRouting(config, issues);
        if (!issues.equals(problems)) {
            issues.forEach(LOG::warning);
        }
        problems = List.copyOf(issues);
    }

    /** Forwarding and firewall rules for the subnets this node advertises. */
    private void applySubnetRouting(Config config, List<String> issues) {
        String want = config.advertised().isEmpty() ? "" : config.advertised() + " snat=" + config.snat();
        if (want.equals(snatState)) {
            return;
        }
        try {
            if (config.advertised().isEmpty()) {
                snat.remove();
            } else {
                issues.addAll(Forwarding.enable(config.advertised()));
                snat.install(device, config.advertised(), config.snat());
                LOG.info("routing for " + config.advertised() + " through " + snat.name()
                        + (config.snat() ? " with source NAT" : " without source NAT"));
            }
            snatState = want;
        } catch (IOException e) {
            issues.add("subnet routing not set up: " + e.getMessage());
        }
    }

    private List<ConnectedNetwork> connected() {
        try {
            return link.connectedNetworks();
        } catch (IOException e) {
            LOG.warning("cannot list the host's networks: " + e.getMessage());
            return List.of();
        }
    }

    /** Removes tsj's firewall objects whatever state the daemon died in (tsj daemon --cleanup). */
    public static void removeFirewallLeftovers() {
        if (Commands.onPath("nft")) {
            try {
                new NftSnat().remove();
            } catch (IOException e) {
                LOG.warning("cleanup: " + e.getMessage());
            }
        } else if (Commands.onPath("iptables")) {
            // Only where nft is missing: listing through iptables-nft would create tables.
            new IptablesSnat().remove();
        }
    }

    @Override
    public List<String> problems() {
        return problems;
    }

    @Override
    public synchronized void close() {
        for (String r : new HashSet<>(routes)) {
            quietly(() -> link.removeRoute(new Route(IpPrefix.parse(r), device, TABLE)));
        }
        routes.clear();
        if (rulesInstalled) {
            quietly(() -> link.removeRule(PolicyRule.all(false, TABLE, RULE_PRIORITY)));
            quietly(() -> link.removeRule(PolicyRule.all(true, TABLE, RULE_PRIORITY)));
            rulesInstalled = false;
        }
        for (String a : new HashSet<>(addresses)) {
            quietly(() -> link.removeAddress(device, IpPrefix.parse(a)));
        }
        addresses.clear();
        if (!snatState.isEmpty()) {
            quietly(snat::remove);
            snatState = "";
        }
        problems = List.of();
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void quietly(IoAction a) {
        try {
            a.run();
        } catch (IOException e) {
            LOG.warning(e.getMessage());
        }
    }
}
