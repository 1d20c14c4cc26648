package dev.tsj.daemon.uapi;

import static org.junit.jupiter.api.Assertions.*;

import dev.tsj.crypto.PresharedKey;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.PublicKey;
import dev.tsj.daemon.wg.Clock;
import dev.tsj.daemon.wg.Device;
import dev.tsj.tun.MemoryPacketDevice;
import java.io.BufferedReader;
import java.io.StringReader;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The UAPI text protocol against a real device, as wg speaks it. */
class UapiProtocolTest {
    private final Device device = new Device(new MemoryPacketDevice(), Clock.SYSTEM);
    private final UapiProtocol uapi = new UapiProtocol(device, UapiProtocol.ChangeGuard.ALLOW_ALL);

    @AfterEach
    void close() {
        device.close();
    }

    private String exchange(String request) throws Exception {
        StringWriter out = new StringWriter();
        uapi.serve(new BufferedReader(new StringReader(request)), out);
        return out.toString();
    }

    @Test
    void setThenGetRoundTripsEveryKey() throws Exception {
        PrivateKey key = PrivateKey.generate();
        PublicKey peer = PrivateKey.generate().publicKey();
        PresharedKey psk = PresharedKey.generate();
        String set = "set=1\nprivate_key=" + key.toHex() + "\nlisten_port=0\nfwmark=0\nreplace_peers=true\n"
                + "public_key=" + peer.toHex() + "\npreshared_key=" + psk.toHex() + "\nendpoint=[2001:db8::1]:51820\n"
                + "persistent_keepalive_interval=25\nreplace_allowed_ips=true\nallowed_ip=100.64.0.2/32\n"
                + "allowed_ip=fd7a:115c:a1e0::2/128\nallowed_ip=203.0.113.0/24\nprotocol_version=1\n\n";
        assertEquals("errno=0\n\n", exchange(set));
        String get = exchange("get=1\n\n");
        assertTrue(get.startsWith("private_key=" + key.toHex() + "\nlisten_port="), "get answered:\n" + get);
        // Turning on the persistent keepalive sends at once (a handshake initiation), so
        // tx_bytes is 0 or 148 depending on timing; the rest is exact.
        String normalised = get.replaceAll("tx_bytes=\\d+", "tx_bytes=N");
        assertTrue(normalised.contains("public_key=" + peer.toHex() + "\npreshared_key=" + psk.toHex() + "\nprotocol_version=1\n"
                + "endpoint=[2001:db8::1]:51820\nlast_handshake_time_sec=0\nlast_handshake_time_nsec=0\ntx_bytes=N\nrx_bytes=0\n"
                + "persistent_keepalive_interval=25\nallowed_ip=100.64.0.2/32\nallowed_ip=203.0.113.0/24\n"
                + "allowed_ip=fd7a:115c:a1e0::2/128\nerrno=0\n\n"), get);
    }

    @Test
    void allowedIpRemovalUpdateOnlyAndRemove() throws Exception {
        PublicKey peer = PrivateKey.generate().publicKey();
        PublicKey other = PrivateKey.generate().publicKey();
        exchange("set=1\nprivate_key=" + PrivateKey.generate().toHex() + "\npublic_key=" + peer.toHex()
                + "\nallowed_ip=203.0.113.0/24\nallowed_ip=198.51.100.0/24\n\n");
        assertEquals("errno=0\n\n", exchange("set=1\npublic_key=" + peer.toHex() + "\nallowed_ip=-203.0.113.0/24\n"
                + "public_key=" + other.toHex() + "\nupdate_only=true\nendpoint=198.18.0.1:1\n\n"));
        String get = exchange("get=1\n\n");
        assertFalse(get.contains("203.0.113.0/24"));
        assertTrue(get.contains("allowed_ip=198.51.100.0/24"));
        assertFalse(get.contains(other.toHex()), "update_only never creates a peer");
        exchange("set=1\npublic_key=" + peer.toHex() + "\nremove=true\n\n");
        assertFalse(exchange("get=1\n\n").contains("public_key="));
    }

    @Test
    void badRequestsAreRefusedAndChangeNothing() throws Exception {
        PublicKey peer = PrivateKey.generate().publicKey();
        exchange("set=1\nprivate_key=" + PrivateKey.generate().toHex() + "\n\n");
        String before = exchange("get=1\n\n");
        String[] bad = {
            "public_key=" + peer.toHex() + "\nallowed_ip=203.0.113.0\n",
            "public_key=" + peer.toHex() + "\nendpoint=example.com:51820\n",
            "public_key=" + peer.toHex() + "\npersistent_keepalive_interval=70000\n",
            "public_key=zz\n",
            "listen_port=-1\n",
            "public_key=" + peer.toHex() + "\nprotocol_version=2\n",
            "bogus=1\n",
            "public_key=" + peer.toHex() + "\nendpoint=[2001:db8::1]51820\n",
        };
        for (String b : bad) {
            assertEquals("errno=-22\n\n", exchange("set=1\n" + b + "\n"), b);
        }
        assertEquals(before, exchange("get=1\n\n"), "no bad request left a trace");
    }

    @Test
    void zeroPrivateKeyRemovesIt() throws Exception {
        exchange("set=1\nprivate_key=" + PrivateKey.generate().toHex() + "\n\n");
        exchange("set=1\nprivate_key=" + "0".repeat(64) + "\n\n");
        assertFalse(exchange("get=1\n\n").contains("private_key="));
    }
}
