package dev.tsj.cli.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.control.api.RelayNode;
import dev.tsj.control.relay.ControlRelayConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code tsj control serve}'s relay and STUN flags, as they turn into the server's relay config. */
class ServeRelayFlagsTest {
    private static final dev.tsj.crypto.PublicKey KEY = dev.tsj.crypto.PrivateKey.generate().publicKey();

    private static ControlRelayConfig parse(String... args) {
        var cl = ServeCommand.commandLine();
        cl.parseArgs(args);
        return ((ServeCommand) cl.getCommand()).relayConfig();
    }

    @Test
    void byDefaultAnEmbeddedRelayNamedDefaultWithStunOn3478And3479() {
        ControlRelayConfig c = parse();
        assertTrue(c.embedded());
        assertEquals("default", c.relay().name());
        assertEquals(1, c.regionId());
        assertEquals(3478, c.stunPort());
        assertEquals(3479, c.stunAltPort());
        assertTrue(c.others().isEmpty());
    }

    @Test
    void namesPortsAndListedRelays() {
        ControlRelayConfig c = parse("--relay-name", "home", "--stun-port", "3500", "--relay",
                "fra=http://198.18.0.11:8443,http://198.18.0.12:8443/relay?region=9&stun=0", "--relay",
                "ams=http://[2001:db8::1]:8443?stunalt=4000&key=" + "ab".repeat(32), "--relay",
                "lhr=http://198.18.0.13:8443?key=" + KEY.toBase64());
        assertEquals("home", c.relay().name());
        assertEquals(3500, c.stunPort());
        assertEquals(3501, c.stunAltPort());
        List<RelayNode> o = c.others();
        assertEquals(new RelayNode("fra", 2, "http://198.18.0.11:8443/relay", null, 3478, 3479, null), o.get(0));
        assertEquals(new RelayNode("198.18.0.12", 9, "http://198.18.0.12:8443/relay", null, 0, 0, null), o.get(1));
        assertEquals("ams", o.get(2).name());
        assertEquals(3, o.get(2).regionId());
        assertEquals("http://[2001:db8::1]:8443/relay", o.get(2).url());
        assertEquals(4000, o.get(2).stunAltPort());
        assertEquals("ab".repeat(32), o.get(2).publicKey().toHex());
        assertEquals(KEY, o.get(3).publicKey());
    }

    @Test
    void zeroTurnsThingsOff() {
        ControlRelayConfig c = parse("--stun-port", "0", "--no-relay");
        assertFalse(c.embedded());
        assertNull(c.stunPort());
        ControlRelayConfig alt = parse("--stun-alt-port", "0");
        assertEquals(3478, alt.stunPort());
        assertNull(alt.stunAltPort());
    }

    @Test
    void badListingsSayWhatIsWrong() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("--relay", "https://relay.example:443"));
        assertTrue(e.getMessage().contains("must be [NAME=]http://HOST:PORT"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("--relay", "x=http://198.18.0.11:1?region=1"));
        assertTrue(e.getMessage().contains("unique"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("--relay", "http://198.18.0.11:1?colour=red"));
        assertTrue(e.getMessage().contains("unknown parameter \"colour\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("--relay-name", ""));
        assertTrue(e.getMessage().contains("relay name"), e.getMessage());
    }
}
