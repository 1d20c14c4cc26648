package dev.tsj.it.tailnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tsj.it.BgProcess;
import dev.tsj.it.CmdResult;
import dev.tsj.it.Iperf;
import dev.tsj.it.IperfResult;
import dev.tsj.it.Netns;
import dev.tsj.it.Poll;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 5, subnet routers: a server, two routers with a leg each in a LAN namespace
 * (203.0.113.0/24 and 2001:db8:1::/64) whose host runs an HTTP server (it answers
 * {@code /whoami} with the source address it sees) and iperf3, and a client node, all on
 * one underlay (198.18.41.0/24, 2001:db8:41::/64). The tests run in order, from an
 * unapproved route to a failover and finally to clean-up checks that stop the daemons.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SubnetRouterIT extends LabSuite {
    private static final String USER = "ops";
    private static final String SERVER_V4 = "198.18.41.10";
    private static final String LAN_V4 = "203.0.113.0/24";
    private static final String LAN_V6 = "2001:db8:1::/64";
    private static final String WEB_V4 = "203.0.113.10";
    private static final String WEB_V6 = "2001:db8:1::10";
    private static final String R1_LAN_V4 = "203.0.113.1";
    private static final String R1_LAN_V6 = "2001:db8:1::1";
    private static final String R2_LAN_V4 = "203.0.113.2";
    private static final int HTTP_PORT = 80;
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    /** Issue 5: a failover within 15 s. */
    private static final Duration FAILOVER_LIMIT = Duration.ofSeconds(15);
    private static final String RULES_V4 = "ip -4 rule show";
    private static final String RULES_V6 = "ip -6 rule show";

    private ControlServer server;
    private Netns web;
    private BgProcess webServer;
    private TsjNode r1;
    private TsjNode r2;
    private TsjNode client;
    /** Each host before tsjd ran there, and with tsjd running but not up. */
    private HostNetState r1Pristine;
    private HostNetState r2Pristine;
    private HostNetState clientPristine;
    private HostNetState r1Idle;
    private HostNetState clientIdle;
    /** r1 up as a router, just before it is killed. */
    private HostNetState r1Routing;

    @BeforeAll
    void buildTopology() throws Exception {
        TailnetRequirements.check();
        lab = Lab.create("b", SubnetRouterIT.class);
        Segment underlay = Segment.create(lab, "sw");
        Segment lan = Segment.create(lab, "lan");
        Netns ctl = lab.host("ctl");
        underlay.attach(ctl, "ctl", SERVER_V4 + "/24", "2001:db8:41::10/64");
        server = new ControlServer(lab, ctl, SERVER_V4).start();
        Netns nsR1 = lab.host("r1");
        underlay.attach(nsR1, "r1", "198.18.41.11/24", "2001:db8:41::11/64");
        lan.attach(nsR1, "r1l", R1_LAN_V4 + "/24", R1_LAN_V6 + "/64");
        Netns nsR2 = lab.host("r2");
        underlay.attach(nsR2, "r2", "198.18.41.12/24", "2001:db8:41::12/64");
        lan.attach(nsR2, "r2l", R2_LAN_V4 + "/24", "2001:db8:1::2/64");
        Netns nsC = lab.host("c");
        underlay.attach(nsC, "c", "198.18.41.13/24", "2001:db8:41::13/64");
        web = lab.host("web");
        lan.attach(web, "web", WEB_V4 + "/24", WEB_V6 + "/64");
        webServer = web.spawn("lan-server", lab.logs.resolve("lan-server.log"), Map.of(), "python3", "-u", lanServerScript().toString(),
                Integer.toString(HTTP_PORT));

        r1Pristine = HostNetState.of(nsR1);
        r2Pristine = HostNetState.of(nsR2);
        clientPristine = HostNetState.of(nsC);
        r1 = new TsjNode(lab, nsR1, "r1");
        r2 = new TsjNode(lab, nsR2, "r2");
        client = new TsjNode(lab, nsC, "c");
        server.createUser(USER);
        String key = server.createKey(USER, "--reusable");
        for (TsjNode n : List.of(r1, r2, client)) {
            n.start();
        }
        r1Idle = HostNetState.of(nsR1);
        clientIdle = HostNetState.of(nsC);
        r1.upOk(server, key, "--advertise-routes", LAN_V4 + "," + LAN_V6);
        r2.upOk(server, key);
        client.upOk(server, key, "--accept-routes");
        Poll.until(Duration.ofSeconds(10), "the LAN web server to listen", webServer::tail, () -> webServer.output().contains("listening"));
    }

    @Test
    @Order(1)
    void anUnapprovedRouteGivesNoRouteAndCarriesNoTraffic() throws Exception {
        JsonNode route = routeRow("r1", LAN_V4);
        assertTrue(route.path("advertised").asBoolean() && !route.path("approved").asBoolean(), route.toString());
        JsonNode r1View = client.peer("r1").orElseThrow();
        assertEquals(List.of(), TailnetIT.texts(r1View.path("PrimaryRoutes")), "no primary route before approval");
        assertFalse(TailnetIT.texts(r1View.path("AllowedIPs")).contains(LAN_V4), "the client must not route the LAN to r1: " + r1View);
        assertFalse(table52(client).contains(LAN_V4), "no route in table 52 before approval:\n" + table52(client));
        assertNoHttp(client.ns, WEB_V4, "an unapproved route");

        // Even a route forced into the tunnel carries nothing: WireGuard has no peer for the LAN.
        client.ns.run("ip", "route", "add", LAN_V4, "dev", client.tun, "table", "52");
        try {
            assertNoHttp(client.ns, WEB_V4, "a forced route to an unapproved subnet");
        } finally {
            client.ns.run("ip", "route", "del", LAN_V4, "dev", client.tun, "table", "52");
        }
        assertFalse(webServer.output().contains("GET"), "the LAN host saw a request:\n" + webServer.tail());
    }

    @Test
    @Order(2)
    void anApprovedRouteCarriesHttpAndIperfWithTheRoutersAddressAsSource() throws Exception {
        server.adminJson("routes", "approve", "r1", LAN_V4, LAN_V6);
        awaitPrimary(client, "r1", LAN_V4, LAN_V6);
        assertTrue(table52(client).contains(LAN_V4 + " dev " + client.tun), "route in table 52:\n" + table52(client));

        assertEquals(R1_LAN_V4, whoami(client.ns, WEB_V4), "under SNAT the LAN host sees the router's LAN address");
        assertEquals(R1_LAN_V6, whoami(client.ns, "[" + WEB_V6 + "]"), "IPv6: the router's LAN address");

        assertEquals("1", r1.ns.run("sysctl", "-n", "net.ipv4.ip_forward").strip(), "tsjd turned IPv4 forwarding on");
        assertEquals("1", r1.ns.run("sysctl", "-n", "net.ipv6.conf.all.forwarding").strip(), "tsjd turned IPv6 forwarding on");
        IperfResult routed = iperfTo(web, WEB_V4, "via-router-v4", 200);
        assertIperfSource(routed, R1_LAN_V4);
        IperfResult direct = iperfTo(r1.ns, r1.ipv4(), "direct-to-r1-v4", 200);
        System.out.printf(Locale.ROOT, "[router] client -> LAN host through r1: %.0f Mbit/s; client -> r1 directly over the tailnet: %.0f Mbit/s (ratio %.2f)%n",
                routed.megabitsPerSecond(), direct.megabitsPerSecond(), routed.megabitsPerSecond() / direct.megabitsPerSecond());
        IperfResult routed6 = iperfTo(web, WEB_V6, "via-router-v6", 50);
        assertIperfSource(routed6, R1_LAN_V6);
        r1Routing = HostNetState.of(r1.ns);
    }

    @Test
    @Order(3)
    void aClientWithoutAcceptRoutesHasNoRoute() throws Exception {
        client.tsj("up", "--accept-routes=false").check();
        try {
            Poll.until(CONVERGE, "the client to drop the LAN route", client::diagnostics, () -> !table52(client).contains(LAN_V4));
            assertNoHttp(client.ns, WEB_V4, "a client without --accept-routes");
        } finally {
            client.tsj("up", "--accept-routes").check();
        }
        Poll.until(CONVERGE, "the client to route the LAN again", client::diagnostics, () -> table52(client).contains(LAN_V4));
        assertEquals(R1_LAN_V4, whoami(client.ns, WEB_V4));
    }

    @Test
    @Order(4)
    void withoutSnatTheLanHostSeesTheClientsTailnetAddress() throws Exception {
        r1.tsj("up", "--snat-subnet-routes=false").check();
        web.run("ip", "route", "add", "100.64.0.0/10", "via", R1_LAN_V4);
        web.run("ip", "-6", "route", "add", "fd7a:115c:a1e0::/48", "via", R1_LAN_V6);
        try {
            Poll.until(CONVERGE, "r1 to drop its masquerade rules", r1::diagnostics,
                    () -> !r1.ns.run("nft", "list", "ruleset").contains("masquerade"));
            assertEquals(client.ipv4(), whoami(client.ns, WEB_V4), "without SNAT the LAN host sees the client's 100.x address");
            assertEquals(client.ipv6(), whoami(client.ns, "[" + WEB_V6 + "]"), "IPv6: the client's fd7a: address");
        } finally {
            web.run("ip", "route", "del", "100.64.0.0/10", "via", R1_LAN_V4);
            web.run("ip", "-6", "route", "del", "fd7a:115c:a1e0::/48", "via", R1_LAN_V6);
            r1.tsj("up", "--snat-subnet-routes").check();
        }
        Poll.until(CONVERGE, "r1 to source-NAT again", r1::diagnostics, () -> r1.ns.run("nft", "list", "ruleset").contains("masquerade"));
        assertEquals(R1_LAN_V4, whoami(client.ns, WEB_V4));
    }

    /**
     * r2 advertises the same prefixes; r1, registered first, stays primary and carries the
     * traffic. SIGKILL on r1 moves the traffic to r2 within 15 s (measured), and a long
     * download under way resumes: curl retries and continues where it stopped
     * ({@code -C -}); under SNAT the old TCP connection cannot survive, since the LAN host
     * sees a new source, as in Tailscale.
     */
    @Test
    @Order(5)
    void killingThePrimaryMovesTrafficToTheOtherRouterWithin15Seconds() throws Exception {
        r2.tsj("up", "--advertise-routes", LAN_V4 + "," + LAN_V6).check();
        server.adminJson("routes", "approve", "r2", LAN_V4, LAN_V6);
        Poll.until(CONVERGE, "the server to list r2's approved routes", server::diagnostics,
                () -> routeRow("r2", LAN_V4).path("approved").asBoolean());
        assertTrue(routeRow("r1", LAN_V4).path("primary").asBoolean(), "r1, registered first, stays primary: " + routeRow("r1", LAN_V4));
        assertEquals(R1_LAN_V4, whoami(client.ns, WEB_V4), "traffic goes through the primary");

        long blobSize = 24L << 20;
        int rate = 2 << 20;
        Path download = lab.work.resolve("blob");
        BgProcess curl = client.ns.spawn("long-download", lab.logs.resolve("long-download.log"), Map.of(),
                "curl", "-sS", "--retry", "30", "--retry-all-errors", "--retry-delay", "1", "--connect-timeout", "3",
                // A connection cut by the failover just stalls (its replies go to the dead router): give up on it after 4 s.
                "--speed-limit", "1000", "--speed-time", "4",
                "-C", "-", "-o", download.toString(), "http://" + WEB_V4 + "/blob/" + blobSize + "/" + rate);
        Poll.until(Duration.ofSeconds(20), "the download to get going through r1", curl::tail,
                () -> Files.exists(download) && Files.size(download) > (2L << 20));

        r1.kill();
        long killed = System.nanoTime();
        String via = Poll.value(Duration.ofSeconds(60), "traffic to flow through r2", () -> client.diagnostics() + server.diagnostics(), () -> {
            CmdResult r = client.ns.exec(Duration.ofSeconds(5), "curl", "-s", "--max-time", "1", "http://" + WEB_V4 + "/whoami");
            return r.ok() && r.output().strip().equals(R2_LAN_V4) ? java.util.Optional.of(r.output().strip()) : java.util.Optional.empty();
        });
        double seconds = (System.nanoTime() - killed) / 1e9;
        System.out.printf(Locale.ROOT, "[router] after SIGKILL of the primary, traffic flowed through the other router after %.1f s%n", seconds);
        assertEquals(R2_LAN_V4, via);
        assertTrue(seconds <= FAILOVER_LIMIT.toSeconds(), "failover took " + seconds + " s (at most " + FAILOVER_LIMIT.toSeconds() + " s)");

        assertEquals(0, curl.awaitExit(Duration.ofSeconds(90)), "the long download finished\n" + curl.tail());
        assertBlob(download, blobSize);
        List<String> blobRequests = webServer.output().lines().filter(l -> l.contains("GET /blob/")).toList();
        assertTrue(blobRequests.size() >= 2 && blobRequests.get(0).startsWith(R1_LAN_V4 + " ")
                        && blobRequests.get(blobRequests.size() - 1).startsWith(R2_LAN_V4 + " "),
                "the download began through r1 and resumed through r2: " + blobRequests);
    }

    /** After SIGKILL, r1's rules, routes and nftables table are still there; a restart must not add second copies. */
    @Test
    @Order(6)
    void aRestartAfterSigkillLeavesExactlyOneCopyOfEachRuleRouteAndTable() throws Exception {
        assertTrue(r1Routing != null && !r1.running(), "r1 was killed in the previous test");
        r1.start();
        Poll.until(CONVERGE, "r1 to come back up by itself", r1::diagnostics,
                () -> r1.status().path("BackendState").asText().equals("Running") && r1.ns.run("nft", "list", "ruleset").contains("masquerade"));
        HostNetState now = HostNetState.of(r1.ns);
        assertEquals("", r1Routing.diff(now), "r1 after SIGKILL and restart against r1 before the kill");
        assertEquals(1, now.count(RULES_V4, "lookup 52"), now.views().get(RULES_V4).toString());
        assertEquals(1, now.count(RULES_V6, "lookup 52"), now.views().get(RULES_V6).toString());
        assertEquals(1, now.count("nft list ruleset", "table inet tsj"), String.join("\n", now.views().get("nft list ruleset")));
    }

    @Test
    @Order(7)
    void downAndACleanExitRemoveEveryRouteRuleAndNftablesObject() {
        client.tsj("down").check();
        assertEquals("", clientIdle.diff(HostNetState.of(client.ns)), "the client after tsj down against the client before tsj up");
        client.stop();
        assertEquals("", clientPristine.diff(HostNetState.of(client.ns)), "the client after SIGTERM against the host before tsjd");

        r1.tsj("down").check();
        assertEquals("", r1Idle.diff(HostNetState.of(r1.ns)), "router r1 after tsj down against r1 before tsj up");
        r1.stop();
        assertEquals("", r1Pristine.diff(HostNetState.of(r1.ns)), "router r1 after SIGTERM against the host before tsjd");

        // A crash leaves everything behind; tsj daemon --cleanup (systemd's ExecStopPost) removes it.
        r2.kill();
        CmdResult cleanup = r2.ns.exec(TsjCommand.of("daemon", "--cleanup", "--tun", r2.tun, "--socket", r2.socket.toString())
                .toArray(String[]::new));
        assertTrue(cleanup.ok(), cleanup.describe());
        assertEquals("", r2Pristine.diff(HostNetState.of(r2.ns)), "router r2 after SIGKILL and tsj daemon --cleanup against the host before tsjd");
        assertFalse(Files.exists(r2.socket), "--cleanup removes the dead daemon's LocalAPI socket");
    }

    private IperfResult iperfTo(Netns serverNs, String address, String label, int mebibytes) {
        return new Iperf(serverNs, address, client.ns, Iperf.DEFAULT_PORT, lab.logs, () -> client.diagnostics() + r1.diagnostics())
                .transfer(label, mebibytes, false, Duration.ofSeconds(180));
    }

    /** iperf3's server logs "Accepted connection from ADDR, port N": the source the LAN host saw. */
    private void assertIperfSource(IperfResult r, String source) throws IOException {
        String log = Files.readString(lab.logs.resolve(r.label() + ".iperf-server.log"));
        assertTrue(log.contains("Accepted connection from " + source + ","), r.label() + ": the LAN host saw " + source + ":\n" + log);
    }

    private static String whoami(Netns from, String host) {
        CmdResult r = from.exec(Duration.ofSeconds(20), "curl", "-sS", "--max-time", "10", "http://" + host + "/whoami");
        assertTrue(r.ok(), r.describe());
        return r.output().strip();
    }

    /** An HTTP request to the LAN host from {@code from} fails (no route, or nothing comes back). */
    private void assertNoHttp(Netns from, String host, String why) {
        CmdResult r = from.exec(Duration.ofSeconds(20), "curl", "-sS", "--max-time", "3", "http://" + host + "/whoami");
        assertFalse(r.ok(), why + " carried a request: " + r.describe() + "\n" + webServer.tail());
    }

    private void awaitPrimary(TsjNode viewer, String router, String... prefixes) {
        Poll.until(CONVERGE, viewer.name + " to take " + router + "'s routes " + List.of(prefixes), viewer::diagnostics, () -> {
            JsonNode p = viewer.peer(router).orElseThrow();
            return TailnetIT.texts(p.path("PrimaryRoutes")).containsAll(List.of(prefixes))
                    && TailnetIT.texts(p.path("AllowedIPs")).containsAll(List.of(prefixes));
        });
    }

    private JsonNode routeRow(String node, String prefix) {
        for (JsonNode r : server.adminJson("routes", "list")) {
            if (r.path("node").asText().equals(node) && r.path("prefix").asText().equals(prefix)) {
                return r;
            }
        }
        throw new AssertionError("routes list has no " + prefix + " for " + node + ":\n" + server.adminJson("routes", "list").toPrettyString());
    }

    private static String table52(TsjNode n) {
        return n.ns.run("ip", "-4", "route", "show", "table", "52");
    }

    /** The download has the LAN server's pattern (byte i is i % 256) in full. */
    private static void assertBlob(Path file, long size) throws IOException {
        byte[] data = Files.readAllBytes(file);
        assertEquals(size, data.length, "downloaded size");
        for (int i = 0; i < data.length; i++) {
            if (data[i] != (byte) i) {
                throw new AssertionError("the download differs from what the server sent at byte " + i);
            }
        }
    }

    private static Path lanServerScript() throws URISyntaxException {
        return Path.of(SubnetRouterIT.class.getResource("/tailnet/lan_server.py").toURI());
    }
}
