package dev.tsj.it.tailnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tsj.it.BgProcess;
import dev.tsj.it.CmdResult;
import dev.tsj.it.Netns;
import dev.tsj.it.Poll;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 6, userspace networking, in one topology on one underlay (198.18.60.0/24): a
 * control server; a TUN node {@code t} (accepts routes) serving a page on its tailnet
 * address; a userspace node {@code u} run as nobody (uid 65534, no capabilities) with
 * SOCKS5 and HTTP proxies and a page on its own 127.0.0.1 only; a userspace subnet router
 * {@code r}, also nobody, advertising 203.0.113.0/24, where the host {@code web} serves
 * HTTP, UDP and answers pings, with a password-protected proxy.
 */
class UserspaceNetworkingIT extends LabSuite {
    private static final String USER = "us";
    private static final String CTL = "198.18.60.10";
    private static final String LAN = "203.0.113.0/24";
    private static final String ROUTER_LAN = "203.0.113.1";
    private static final String WEB = "203.0.113.10";
    private static final int PAGE_PORT = 8080;
    private static final int LOCAL_PORT = 8081;
    private static final int UDP_PORT = 9999;
    private static final int SOCKS = 1055;
    private static final int HTTP_PROXY = 1056;
    private static final String PROXY_USER = "alice";
    private static final String PROXY_PASSWORD = "s3cret:with-colon";
    /** setpriv: as nobody, no supplementary groups; tsjd then has no capabilities at all. */
    private static final List<String> NOBODY = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
    private static final Duration CONVERGE = Duration.ofSeconds(30);

    private ControlServer server;
    private TsjNode t;
    private TsjNode u;
    private TsjNode r;
    private BgProcess lanWeb;

    @BeforeAll
    void buildTopology() throws Exception {
        TailnetRequirements.check();
        lab = Lab.create("us", UserspaceNetworkingIT.class);
        // nobody must reach its own directory under the lab's (root's, 0700) work directory.
        Files.setPosixFilePermissions(lab.work, PosixFilePermissions.fromString("rwx--x--x"));
        Path home = Files.createDirectory(lab.work.resolve("nobody"));
        Files.setOwner(home, home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        Path auth = home.resolve("proxy-auth");
        Files.writeString(auth, PROXY_USER + ":" + PROXY_PASSWORD + "\n");
        Files.setOwner(auth, home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        Files.setPosixFilePermissions(auth, PosixFilePermissions.fromString("rw-------"));

        Segment underlay = Segment.create(lab, "sw");
        Segment lan = Segment.create(lab, "lan");
        Netns ctl = lab.host("ctl");
        underlay.attach(ctl, "ctl", CTL + "/24");
        server = new ControlServer(lab, ctl, CTL).start();
        Netns nsT = lab.host("t");
        underlay.attach(nsT, "t", "198.18.60.11/24");
        Netns nsU = lab.host("u");
        underlay.attach(nsU, "u", "198.18.60.12/24");
        Netns nsR = lab.host("r");
        underlay.attach(nsR, "r", "198.18.60.13/24");
        lan.attach(nsR, "rl", ROUTER_LAN + "/24");
        // Unprivileged ICMP echo sockets for every group, as container runtimes set it: r's
        // stack answers a ping to a LAN host only when its own (unprivileged) ping gets a reply.
        nsR.run("sysctl", "-w", "net.ipv4.ping_group_range=0 2147483647");
        Netns web = lab.host("web");
        lan.attach(web, "web", WEB + "/24");

        lanWeb = web.spawn("lan-web", lab.logs.resolve("lan-web.log"), Map.of(), "python3", "-u", script("tailnet/lan_server.py"), "80");
        BgProcess lanUdp = web.spawn("lan-udp", lab.logs.resolve("lan-udp.log"), Map.of(), "python3", "-u", script("userspace/udp_tool.py"),
                "echo", Integer.toString(UDP_PORT));
        BgProcess tWeb = nsT.spawn("t-web", lab.logs.resolve("t-web.log"), Map.of(), "python3", "-u", script("tailnet/lan_server.py"),
                Integer.toString(PAGE_PORT));
        BgProcess tUdp = nsT.spawn("t-udp", lab.logs.resolve("t-udp.log"), Map.of(), "python3", "-u", script("userspace/udp_tool.py"),
                "echo", Integer.toString(UDP_PORT));
        // u's service listens on loopback only: the tailnet reaches it through u's stack.
        Path page = Files.createDirectory(lab.work.resolve("u-page"));
        Files.writeString(page.resolve("index.html"), "served on u's 127.0.0.1\n");
        BgProcess uLocal = nsU.spawn("u-local", lab.logs.resolve("u-local.log"), Map.of(), "python3", "-m", "http.server",
                "--bind", "127.0.0.1", "--directory", page.toString(), Integer.toString(LOCAL_PORT));

        t = new TsjNode(lab, nsT, "t");
        u = TsjNode.withFilesIn(lab, nsU, "u", home).userspace(NOBODY,
                "--socks5-server", "127.0.0.1:" + SOCKS, "--outbound-http-proxy-listen", "localhost:" + HTTP_PROXY);
        r = TsjNode.withFilesIn(lab, nsR, "r", home).userspace(NOBODY,
                "--socks5-server", "127.0.0.1:" + SOCKS, "--outbound-http-proxy-listen", "127.0.0.1:" + SOCKS,
                "--proxy-auth-file", auth.toString());
        server.createUser(USER);
        String key = server.createKey(USER, "--reusable");
        for (TsjNode n : List.of(t, u, r)) {
            n.start();
        }
        t.upOk(server, key, "--accept-routes");
        u.upOk(server, key);
        r.upOk(server, key, "--advertise-routes", LAN);
        server.adminJson("routes", "approve", "r", LAN);
        Poll.until(CONVERGE, "t to take r's route " + LAN, t::diagnostics,
                () -> t.peer("r").map(p -> TailnetIT.texts(p.path("PrimaryRoutes")).contains(LAN)).orElse(false));
        Poll.until(CONVERGE, "u and r to see every peer", () -> u.diagnostics() + r.diagnostics(),
                () -> u.peerNames().size() == 2 && r.peerNames().size() == 2);
        for (BgProcess p : List.of(lanWeb, lanUdp, tWeb, tUdp)) {
            Poll.until(Duration.ofSeconds(10), p.name() + " to listen", p::tail, () -> p.output().contains("listening"));
        }
        Poll.until(Duration.ofSeconds(10), "u's local server to listen", uLocal::tail,
                () -> nsU.exec("curl", "-sf", "--max-time", "1", "http://127.0.0.1:" + LOCAL_PORT + "/").ok());
    }

    @Test
    void theUserspaceDaemonsRunAsNobodyWithoutCapabilities() throws Exception {
        for (TsjNode n : List.of(u, r)) {
            List<String> status = Files.readAllLines(Path.of("/proc", Long.toString(n.daemon().pid()), "status"));
            String uid = status.stream().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
            String caps = status.stream().filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow();
            assertTrue(uid.matches("Uid:\\s+65534\\s+65534\\s+65534\\s+65534"), n.name + ": " + uid);
            assertEquals("0000000000000000", caps.split("\\s+")[1], n.name + ": " + caps);
            assertFalse(n.ns.run("ip", "-o", "link").contains("tun"), n.name + " has no TUN device");
        }
    }

    @Test
    void curlThroughSocks5AndTheHttpProxyFetchesAPageOnTheTunNode() throws Exception {
        String url = "http://" + t.ipv4() + ":" + PAGE_PORT + "/whoami";
        assertEquals(u.ipv4(), curl(u.ns, "--socks5-hostname", "127.0.0.1:" + SOCKS, url), "the TUN node sees u's tailnet address");
        assertEquals(u.ipv4(), curl(u.ns, "--proxy", "http://127.0.0.1:" + HTTP_PROXY, url), "plain HTTP through the HTTP proxy");
        assertEquals(u.ipv4(), curl(u.ns, "--proxy", "http://127.0.0.1:" + HTTP_PROXY, "--proxytunnel", url), "HTTP CONNECT");
        assertEquals(u.ipv4(), curl(u.ns, "--socks5-hostname", "127.0.0.1:" + SOCKS, "http://t:" + PAGE_PORT + "/whoami"),
                "the proxy resolves tailnet names");
        // A 16 MiB download, byte for byte.
        CmdResult blob = u.ns.exec(Duration.ofSeconds(60), "sh", "-c", "curl -sS --max-time 50 --socks5-hostname 127.0.0.1:" + SOCKS
                + " http://" + t.ipv4() + ":" + PAGE_PORT + "/blob/16777216/0 | sha256sum");
        assertEquals(expectedBlobSha(16 << 20), blob.check().output().split(" ")[0], "the download through SOCKS5 is intact");
    }

    @Test
    void theProxyWithAPasswordFileTakesTheRightPasswordAndRefusesAWrongOne() throws Exception {
        String url = "http://" + t.ipv4() + ":" + PAGE_PORT + "/whoami";
        String good = PROXY_USER + ":" + PROXY_PASSWORD;
        assertEquals(r.ipv4(), curl(r.ns, "--socks5-hostname", "127.0.0.1:" + SOCKS, "--proxy-user", good, url));
        assertEquals(r.ipv4(), curl(r.ns, "--proxy", "http://127.0.0.1:" + SOCKS, "--proxy-user", good, url));
        for (List<String> proxy : List.of(List.of("--socks5-hostname", "127.0.0.1:" + SOCKS), List.of("--proxy", "http://127.0.0.1:" + SOCKS))) {
            for (String creds : List.of(PROXY_USER + ":wrong", "")) {
                CmdResult bad = r.ns.exec(Duration.ofSeconds(20), concat(List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                        "--max-time", "10"), proxy, creds.isEmpty() ? List.of() : List.of("--proxy-user", creds), List.of(url)));
                assertFalse(bad.ok() && bad.output().strip().equals("200"), "refused " + proxy + " with \"" + creds + "\": " + bad.describe());
            }
        }
        CmdResult status = r.ns.exec(Duration.ofSeconds(20), "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
                "--proxy", "http://127.0.0.1:" + SOCKS, "--proxy-user", PROXY_USER + ":wrong", url);
        assertEquals("407", status.output().strip(), "the HTTP proxy answers a wrong password with 407: " + status.describe());
    }

    @Test
    void udpGoesThroughSocks5UdpAssociate() throws Exception {
        CmdResult r1 = u.ns.exec(Duration.ofSeconds(20), "python3", script("userspace/udp_tool.py"), "socks", Integer.toString(SOCKS),
                t.ipv4(), Integer.toString(UDP_PORT));
        assertEquals(u.ipv4() + " hello", r1.check().output().strip(), "t's UDP echo answered, seeing u's tailnet address");
    }

    @Test
    void theTunNodeReachesAServiceOnTheUserspaceNodesLoopback() throws Exception {
        assertEquals("served on u's 127.0.0.1", curl(t.ns, "http://" + u.ipv4() + ":" + LOCAL_PORT + "/"));
        assertEquals("served on u's 127.0.0.1", curl(t.ns, "http://[" + u.ipv6() + "]:" + LOCAL_PORT + "/"), "over IPv6 too");
        CmdResult closed = t.ns.exec(Duration.ofSeconds(15), "curl", "-sS", "--max-time", "5", "http://" + u.ipv4() + ":8099/");
        // curl's 7 is "could not connect": refused at once (RST), not a timeout (28).
        assertEquals(7, closed.exitCode(), "a port nothing listens on is refused: " + closed.describe());
    }

    @Test
    void theTunNodeReachesTheLanBehindTheUserspaceRouterAsTheRouter() throws Exception {
        assertEquals(ROUTER_LAN, curl(t.ns, "http://" + WEB + "/whoami"), "the LAN host sees the router's address");
        CmdResult udp = t.ns.exec(Duration.ofSeconds(20), "python3", script("userspace/udp_tool.py"), "ask", WEB, Integer.toString(UDP_PORT));
        assertEquals(ROUTER_LAN + " hello", udp.check().output().strip(), "UDP: the LAN host sees the router's address");
        CmdResult ping = t.ns.exec(Duration.ofSeconds(20), "ping", "-c", "3", "-W", "3", WEB);
        assertTrue(ping.ok() && ping.output().contains(" 0% packet loss"), ping.describe());
        CmdResult nobody = t.ns.exec(Duration.ofSeconds(20), "ping", "-c", "2", "-W", "2", "203.0.113.99");
        assertFalse(nobody.ok(), "a LAN address nobody holds does not answer: " + nobody.describe());
    }

    @Test
    void statusAndPingWorkAgainstTheUserspaceNode() throws Exception {
        CmdResult status = u.tsj("status");
        assertTrue(status.ok() && status.output().contains("userspace networking (no TUN)") && status.output().contains(" t ")
                && status.output().contains("SOCKS5 proxy on 127.0.0.1:" + SOCKS), status.describe());
        JsonNode json = u.status();
        assertFalse(json.path("TUN").asBoolean(true), json.toPrettyString());
        assertTrue(t.status().path("TUN").asBoolean(false), "the TUN node says TUN");
        CmdResult ping = u.tsj("ping", "t");
        assertTrue(ping.ok() && ping.output().startsWith("pong from t (" + t.ipv4() + ")"), ping.describe());
        CmdResult ip = u.tsj("ip", "-4");
        assertEquals(u.ipv4(), ip.check().output().strip());
        CmdResult kernelPing = t.ns.exec(Duration.ofSeconds(20), "ping", "-c", "2", "-W", "3", u.ipv4());
        assertTrue(kernelPing.ok(), "the userspace stack answers pings to its address: " + kernelPing.describe());
    }

    private static String curl(Netns from, String... args) {
        CmdResult r = from.exec(Duration.ofSeconds(30), concat(List.of("curl", "-sS", "--fail", "--max-time", "20"), List.of(args)));
        assertTrue(r.ok(), r.describe());
        return r.output().strip();
    }

    @SafeVarargs
    private static String[] concat(List<String>... parts) {
        return java.util.Arrays.stream(parts).flatMap(List::stream).toArray(String[]::new);
    }

    /** sha256 of the lan_server.py blob of {@code size} bytes (byte i is i % 256). */
    private static String expectedBlobSha(int size) throws Exception {
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        byte[] pattern = new byte[256];
        for (int i = 0; i < 256; i++) {
            pattern[i] = (byte) i;
        }
        for (int done = 0; done < size; done += 256) {
            md.update(pattern, 0, Math.min(256, size - done));
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    private static String script(String resource) throws URISyntaxException {
        return Path.of(UserspaceNetworkingIT.class.getResource("/" + resource).toURI()).toString();
    }
}
