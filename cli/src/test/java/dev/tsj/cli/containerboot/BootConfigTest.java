package dev.tsj.cli.containerboot;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a valid environment turns into: the daemon's command line, the state, tsj up's key. */
class BootConfigTest {
    private final FakeHost host = new FakeHost();

    @Test
    void inAPodTheStateIsTheSecretTsjByDefault() throws Exception {
        host.pod = true;
        BootConfig c = BootConfig.parse(Map.of(), host);
        assertEquals("kube:tsj", c.state().daemonArg());
        assertEquals("kube:router-1", BootConfig.parse(Map.of("TSJ_KUBE_SECRET", "router-1"), host).state().daemonArg());
        assertEquals("kube:router-1", BootConfig.parse(Map.of("TSJ_STATE", "kube:", "TSJ_KUBE_SECRET", "router-1"), host)
                .state().daemonArg());
        assertFalse(c.state().ephemeral());
    }

    @Test
    void outsideAPodWithoutStateTheNodeIsEphemeral() throws Exception {
        BootConfig c = BootConfig.parse(Map.of("TSJ_AUTH_KEY", "k", "TSJ_LOGIN_SERVER", "http://198.18.0.1:8080"), host);
        assertEquals("mem:", c.state().daemonArg());
        assertTrue(c.state().ephemeral());
        assertTrue(c.userspace(), "userspace networking unless TSJ_USERSPACE=false");
    }

    @Test
    void aDirectoryWithAStoredNodeNeedsNoAuthKey(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tsjd.state"), "{}");
        BootConfig c = BootConfig.parse(Map.of("TSJ_STATE", dir.toString()), host);
        assertEquals(dir.resolve("tsjd.state").toString(), c.state().daemonArg());
        assertNull(c.authKey());
    }

    @Test
    void theDaemonCommandLineCarriesTheSettings() throws Exception {
        BootConfig c = BootConfig.parse(Map.of("TSJ_AUTH_KEY", "k", "TSJ_LOGIN_SERVER", "http://198.18.0.1:8080",
                "TSJ_SOCKS5_SERVER", "127.0.0.1:1055", "TSJ_OUTBOUND_HTTP_PROXY_LISTEN", "127.0.0.1:1056",
                "TSJ_SOCKET", "/run/x/tsjd.sock", "TSJ_DAEMON_EXTRA_ARGS", "--port 0 --mtu '1280'"), host);
        assertEquals(List.of("daemon", "--tun", "userspace-networking", "--state", "mem:", "--socket", "/run/x/tsjd.sock",
                "--uapi-dir", "/run/x/wireguard", "--socks5-server", "127.0.0.1:1055", "--outbound-http-proxy-listen",
                "127.0.0.1:1056", "--port", "0", "--mtu", "1280"), DaemonThread.daemonArgs(c));
        BootConfig tun = BootConfig.parse(Map.of("TSJ_AUTH_KEY", "k", "TSJ_LOGIN_SERVER", "http://198.18.0.1:8080",
                "TSJ_USERSPACE", "false", "TSJ_DEST_IP", "203.0.113.10"), host);
        assertEquals("tsj0", DaemonThread.daemonArgs(tun).get(2));
        assertEquals("203.0.113.10", tun.destIp().getHostAddress());
    }

    @Test
    void routesAreCanonicalAndAnEmptyListClears() throws Exception {
        Map<String, String> base = Map.of("TSJ_AUTH_KEY", "k", "TSJ_LOGIN_SERVER", "http://198.18.0.1:8080");
        BootConfig c = BootConfig.parse(with(base, "TSJ_ROUTES", "203.0.113.0/24, 2001:db8:0:0::/64"), host);
        assertEquals(List.of("203.0.113.0/24", "2001:db8::/64"), c.routes());
        assertNull(BootConfig.parse(base, host).routes(), "unset: keep what the node advertises");
    }

    @Test
    void authOnceSendsTheKeyOnlyWhenTheNodeMustLogIn() throws Exception {
        Map<String, String> env = Map.of("TSJ_AUTH_KEY", "k", "TSJ_LOGIN_SERVER", "http://198.18.0.1:8080");
        BootConfig every = BootConfig.parse(env, host);
        assertEquals("k", every.authKeyFor(false), "by default the key goes with every start, as Tailscale's image does");
        BootConfig once = BootConfig.parse(with(env, "TSJ_AUTH_ONCE", "true"), host);
        assertNull(once.authKeyFor(false));
        assertEquals("k", once.authKeyFor(true));
    }

    @Test
    void theHealthAddressTakesAllForms() throws Exception {
        assertEquals(9002, BootConfig.socketAddress("X", ":9002").getPort());
        assertEquals("203.0.113.1", BootConfig.socketAddress("X", "203.0.113.1:80").getAddress().getHostAddress());
        assertEquals(8080, BootConfig.socketAddress("X", "[::1]:8080").getPort());
    }

    @Test
    void destNatRulesAreOneTableForwardingTheNodesAddress() {
        String s = DestNat.script("ip", "tsj0", "100.64.0.9", "203.0.113.10");
        assertTrue(s.startsWith("table ip tsj-containerboot {}\nflush table ip tsj-containerboot\n"), s);
        assertTrue(s.contains("iifname \"tsj0\" ip daddr 100.64.0.9 dnat to 203.0.113.10\n"), s);
        assertTrue(s.contains("iifname \"tsj0\" ip daddr 203.0.113.10 ct status dnat masquerade\n"), s);
    }

    private static Map<String, String> with(Map<String, String> m, String k, String v) {
        var out = new java.util.HashMap<>(m);
        out.put(k, v);
        return out;
    }
}
