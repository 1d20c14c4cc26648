package dev.tsj.tun.link;

import static org.junit.jupiter.api.Assertions.*;

import dev.tsj.tun.testing.Netns;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against a TUN interface in a namespace made for the test; everything is checked with ip itself. */
class IpCommandLinkConfiguratorTest {
    private static final String DEV = "tn-lk0";

    @BeforeAll
    static void needsRoot() {
        Netns.requireRoot();
    }

    private static String ip(Netns ns, String... args) throws IOException {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "ip";
        cmd[1] = "-n";
        cmd[2] = ns.name();
        System.arraycopy(args, 0, cmd, 3, args.length);
        Netns.Result r = Netns.run(10, cmd);
        assertEquals(0, r.exitCode(), r.output());
        return r.output();
    }

    private static Netns namespaceWithTun() throws IOException {
        Netns ns = Netns.create("lk");
        Netns.check(ns.exec(10, "ip", "tuntap", "add", "dev", DEV, "mode", "tun"), "ip tuntap add");
        return ns;
    }

    private static long count(String haystack, String needle) {
        return haystack.lines().filter(l -> l.contains(needle)).count();
    }

    @Test
    void linkMtuUpAndDown() throws Exception {
        try (Netns ns = namespaceWithTun()) {
            LinkConfigurator link = IpCommandLinkConfigurator.inNamespace(ns.name());
            link.setMtu(DEV, 1420);
            link.setUp(DEV, true);
            String shown = ip(ns, "link", "show", "dev", DEV);
            assertTrue(shown.contains("mtu 1420"), shown);
            assertTrue(shown.contains(",UP"), shown);
            link.setUp(DEV, false);
            assertFalse(ip(ns, "link", "show", "dev", DEV).contains(",UP"));
        }
    }

    @Test
    void addressesAreIdempotent() throws Exception {
        try (Netns ns = namespaceWithTun()) {
            LinkConfigurator link = IpCommandLinkConfigurator.inNamespace(ns.name());
            IpPrefix v4 = IpPrefix.parse("100.64.8.1/24");
            IpPrefix v6 = IpPrefix.parse("fd7a:115c:a1e0:8::1/64");
            for (int i = 0; i < 2; i++) {
                link.addAddress(DEV, v4);
                link.addAddress(DEV, v6);
            }
            String addrs = ip(ns, "-o", "addr", "show", "dev", DEV);
            assertEquals(1, count(addrs, "inet 100.64.8.1/24"), addrs);
            assertEquals(1, count(addrs, "inet6 fd7a:115c:a1e0:8::1/64"), addrs);
            assertTrue(link.connectedNetworks().contains(new ConnectedNetwork(DEV, IpPrefix.parse("100.64.8.0/24"))));
            assertTrue(link.connectedNetworks().contains(new ConnectedNetwork(DEV, IpPrefix.parse("fd7a:115c:a1e0:8::/64"))));
            assertTrue(link.connectedNetworks().stream().noneMatch(n -> n.device().equals("lo")), "loopback is not a network");
            for (int i = 0; i < 2; i++) {
                link.removeAddress(DEV, v4);
                link.removeAddress(DEV, v6);
            }
            assertEquals("", ip(ns, "-o", "addr", "show", "dev", DEV).strip());
        }
    }

    @Test
    void routesInMainAndOtherTablesAreIdempotent() throws Exception {
        try (Netns ns = namespaceWithTun()) {
            LinkConfigurator link = IpCommandLinkConfigurator.inNamespace(ns.name());
            link.setUp(DEV, true);
            Route main = Route.main(IpPrefix.parse("203.0.113.0/24"), DEV);
            Route table52 = new Route(IpPrefix.parse("198.51.100.0/24"), DEV, 52);
            Route v6 = new Route(IpPrefix.parse("fd7a:115c:a1e0::/48"), DEV, 52);
            for (int i = 0; i < 2; i++) {
                link.addRoute(main);
                link.addRoute(table52);
                link.addRoute(v6);
            }
            assertEquals(1, count(ip(ns, "route", "show"), "203.0.113.0/24 dev " + DEV));
            assertEquals(1, count(ip(ns, "route", "show", "table", "52"), "198.51.100.0/24 dev " + DEV));
            assertEquals(1, count(ip(ns, "-6", "route", "show", "table", "52"), "fd7a:115c:a1e0::/48 dev " + DEV));
            assertEquals(0, count(ip(ns, "route", "show"), "198.51.100.0/24"), "table 52's route is not in main");
            for (int i = 0; i < 2; i++) {
                link.removeRoute(main);
                link.removeRoute(table52);
                link.removeRoute(v6);
            }
            assertEquals(0, count(ip(ns, "route", "show", "table", "all"), "203.0.113.0/24"));
            assertEquals(0, count(ip(ns, "route", "show", "table", "all"), "198.51.100.0/24"));
        }
    }

    @Test
    void policyRulesAreIdempotent() throws Exception {
        try (Netns ns = namespaceWithTun()) {
            LinkConfigurator link = IpCommandLinkConfigurator.inNamespace(ns.name());
            PolicyRule to = PolicyRule.to(IpPrefix.parse("203.0.113.0/24"), 52, 5210);
            PolicyRule all4 = PolicyRule.all(false, 52, 5270);
            PolicyRule all6 = PolicyRule.all(true, 52, 5270);
            for (int i = 0; i < 2; i++) {
                link.addRule(to);
                link.addRule(all4);
                link.addRule(all6);
            }
            String rules4 = ip(ns, "-4", "rule", "show");
            assertEquals(1, count(rules4, "5210:\tfrom all to 203.0.113.0/24 lookup 52"), rules4);
            assertEquals(1, count(rules4, "5270:\tfrom all lookup 52"), rules4);
            assertEquals(1, count(ip(ns, "-6", "rule", "show"), "5270:\tfrom all lookup 52"));
            for (int i = 0; i < 2; i++) {
                link.removeRule(to);
                link.removeRule(all4);
                link.removeRule(all6);
            }
            assertEquals(0, count(ip(ns, "-4", "rule", "show"), "lookup 52"));
            assertEquals(0, count(ip(ns, "-6", "rule", "show"), "lookup 52"));
        }
    }

    @Test
    void errorsAreOneLineNamingTheCommand() throws Exception {
        try (Netns ns = namespaceWithTun()) {
            LinkConfigurator link = IpCommandLinkConfigurator.inNamespace(ns.name());
            IOException e = assertThrows(IOException.class, () -> link.setMtu("tn-missing", 1400));
            assertEquals("ip -n " + ns.name() + " link set dev tn-missing mtu 1400 failed: Cannot find device \"tn-missing\"",
                    e.getMessage());
            e = assertThrows(IOException.class, () -> link.addRoute(Route.main(IpPrefix.parse("203.0.113.0/24"), "tn-missing")));
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().startsWith("ip -n " + ns.name() + " -4 route replace 203.0.113.0/24 dev tn-missing failed: "),
                    e.getMessage());
        }
    }

    @Test
    void deleteLinkIsIdempotent() throws Exception {
        try (Netns ns = namespaceWithTun()) {
            LinkConfigurator link = IpCommandLinkConfigurator.inNamespace(ns.name());
            link.deleteLink(DEV);
            link.deleteLink(DEV);
            assertNotEquals(0, Netns.run(10, "ip", "-n", ns.name(), "link", "show", "dev", DEV).exitCode());
        }
    }
}
