package dev.tsj.tun.link;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link LinkConfigurator} over iproute2's {@code ip} command (see README for why not
 * netlink). Idempotence comes from recognising the kernel's "already there" and "not there"
 * answers, which {@code ip} prints in the C locale.
 */
public final class IpCommandLinkConfigurator implements LinkConfigurator {
    /** Kernel answers to an add that mean the thing already exists. */
    private static final List<String> EXISTS = List.of("File exists", "already assigned");
    /** Kernel answers to a delete that mean the thing is already gone. */
    private static final List<String> GONE = List.of("No such process", "No such file or directory",
            "Address not found", "address not found", "Cannot assign requested address", "Cannot find device");

    private final IpCommand ip;

    private IpCommandLinkConfigurator(IpCommand ip) {
        this.ip = ip;
    }

    /** Configures the network namespace this process runs in. */
    public static IpCommandLinkConfigurator host() {
        return new IpCommandLinkConfigurator(new IpCommand("ip", List.of()));
    }

    /** Configures the named network namespace ({@code ip -n NAME}). */
    public static IpCommandLinkConfigurator inNamespace(String namespace) {
        return new IpCommandLinkConfigurator(new IpCommand("ip", List.of("-n", namespace)));
    }

    @Override
    public void setMtu(String device, int mtu) throws IOException {
        run(List.of("link", "set", "dev", device, "mtu", Integer.toString(mtu)), List.of());
    }

    @Override
    public void setUp(String device, boolean up) throws IOException {
        run(List.of("link", "set", "dev", device, up ? "up" : "down"), List.of());
    }

    @Override
    public void addAddress(String device, IpPrefix address) throws IOException {
        List<String> args = new ArrayList<>(List.of(family(address.isIpv6()), "addr", "add", address.toString(), "dev", device));
        // A TUN has no link layer to detect duplicates on; DAD would only delay the address.
        if (address.isIpv6()) args.add("nodad");
        run(args, EXISTS);
    }

    @Override
    public void removeAddress(String device, IpPrefix address) throws IOException {
        run(List.of(family(address.isIpv6()), "addr", "del", address.toString(), "dev", device), GONE);
    }

    @Override
    public void addRoute(Route route) throws IOException {
        run(routeArgs("replace", route), List.of());
    }

    @Override
    public void removeRoute(Route route) throws IOException {
        run(routeArgs("del", route), GONE);
    }

    @Override
    public void addRule(PolicyRule rule) throws IOException {
        run(ruleArgs("add", rule), EXISTS);
    }

    @Override
    public void removeRule(PolicyRule rule) throws IOException {
        run(ruleArgs("del", rule), GONE);
    }

    @Override
    public List<ConnectedNetwork> connectedNetworks() throws IOException {
        IpCommand.Result r = ip.run(List.of("-o", "addr", "show"));
        if (!r.ok()) throw new IOException(ip.describe(List.of("-o", "addr", "show")) + " failed: " + r.error());
        return AddrShowParser.connectedNetworks(r.stdout());
    }

    @Override
    public void deleteLink(String device) throws IOException {
        run(List.of("link", "del", "dev", device), GONE);
    }

    private static List<String> routeArgs(String verb, Route route) {
        List<String> args = new ArrayList<>(List.of(family(route.destination().isIpv6()), "route", verb,
                route.destination().toString(), "dev", route.device()));
        if (route.table() != Route.MAIN_TABLE) args.addAll(List.of("table", Integer.toUnsignedString(route.table())));
        return args;
    }

    private static List<String> ruleArgs(String verb, PolicyRule rule) {
        List<String> args = new ArrayList<>(List.of(family(rule.ipv6()), "rule", verb));
        if (rule.destination() != null) args.addAll(List.of("to", rule.destination().toString()));
        args.addAll(List.of("lookup", Integer.toUnsignedString(rule.table()), "priority", Integer.toString(rule.priority())));
        return args;
    }

    private static String family(boolean ipv6) {
        return ipv6 ? "-6" : "-4";
    }

    /** Runs {@code ip args}; success, or a failure whose message contains one of {@code fine}. */
    private void run(List<String> args, List<String> fine) throws IOException {
        IpCommand.Result r = ip.run(args);
        if (r.ok()) return;
        for (String f : fine) {
            if (r.stderr().contains(f)) return;
        }
        throw new IOException(ip.describe(args) + " failed: " + r.error());
    }
}
