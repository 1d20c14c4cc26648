package dev.tsj.daemon.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.tun.netstack.proxy.ProxyCredentials;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxySettingsTest {
    @TempDir
    Path dir;

    @Test
    void listenAddressesInTheFormsUsersWrite() {
        assertEquals(new InetSocketAddress("127.0.0.1", 1055), ProxySettings.parseListen("--socks5-server", "localhost:1055"));
        assertEquals(new InetSocketAddress("127.0.0.1", 1055), ProxySettings.parseListen("--socks5-server", "127.0.0.1:1055"));
        assertEquals(new InetSocketAddress("::1", 1056), ProxySettings.parseListen("--socks5-server", "[::1]:1056"));
        assertEquals(null, ProxySettings.parseListen("--socks5-server", null));
    }

    @Test
    void aBadListenAddressIsOneLineNamingTheFlag() {
        for (String bad : new String[] {"1055", "127.0.0.1", "127.0.0.1:70000", "::1:1055", "example.com:1055", "127.0.0.1:x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ProxySettings.parseListen("--outbound-http-proxy-listen", bad));
            assertEquals("--outbound-http-proxy-listen: \"" + bad + "\" is not ADDR:PORT (e.g. 127.0.0.1:1055 or [::1]:1055)", e.getMessage());
        }
    }

    @Test
    void theCredentialsFileHoldsOneLineUserColonPassword() throws IOException {
        Path f = Files.writeString(dir.resolve("auth"), "alice:pa:ss word\n");
        ProxyCredentials c = ProxySettings.readCredentials(f);
        assertTrue(c.matches("alice", "pa:ss word"));
        for (String bad : new String[] {"", "alice", ":pw", "a:b\nc:d\n"}) {
            Files.writeString(f, bad);
            IOException e = assertThrows(IOException.class, () -> ProxySettings.readCredentials(f));
            assertEquals("--proxy-auth-file: " + f + " must hold one line USER:PASSWORD", e.getMessage());
        }
        IOException missing = assertThrows(IOException.class, () -> ProxySettings.readCredentials(dir.resolve("nope")));
        assertEquals("--proxy-auth-file: cannot read " + dir.resolve("nope") + ": no such file", missing.getMessage());
    }

    @Test
    void aProxyAddressInUseFailsTheStartWithTheFlagAndTheAddress() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            InetSocketAddress at = new InetSocketAddress("127.0.0.1", taken.getLocalPort());
            IOException e = assertThrows(IOException.class, () -> UserspaceDataplane.start(1280, new ProxySettings(at, null, null),
                    dev.tsj.tun.netstack.proxy.Resolver.system()));
            assertTrue(e.getMessage().startsWith("--socks5-server: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": "), e.getMessage());
        }
    }
}
