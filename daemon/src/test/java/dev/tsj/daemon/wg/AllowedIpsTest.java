package dev.tsj.daemon.wg;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Longest-prefix match, moves between peers, removal, and a randomized check against a linear scan. */
class AllowedIpsTest {
    private static InetAddress ip(String s) {
        return Prefix.parseAddress(s);
    }

    @Test
    void longestPrefixWinsInBothFamilies() {
        AllowedIps<String> t = new AllowedIps<>();
        t.insert(Prefix.parse("0.0.0.0/0"), "default");
        t.insert(Prefix.parse("100.64.0.0/10"), "tailnet");
        t.insert(Prefix.parse("100.64.0.7/32"), "seven");
        t.insert(Prefix.parse("fd7a:115c:a1e0::/48"), "tailnet6");
        t.insert(Prefix.parse("fd7a:115c:a1e0::7/128"), "seven6");
        assertEquals("seven", t.lookup(ip("100.64.0.7")));
        assertEquals("tailnet", t.lookup(ip("100.64.0.8")));
        assertEquals("tailnet", t.lookup(ip("100.127.255.255")));
        assertEquals("default", t.lookup(ip("100.128.0.0")));
        assertEquals("seven6", t.lookup(ip("fd7a:115c:a1e0::7")));
        assertEquals("tailnet6", t.lookup(ip("fd7a:115c:a1e0:ffff::1")));
        assertNull(t.lookup(ip("2001:db8::1")), "no IPv6 default route");
    }

    @Test
    void insertingAnotherPeersPrefixMovesIt() {
        AllowedIps<String> t = new AllowedIps<>();
        t.insert(Prefix.parse("203.0.113.0/24"), "a");
        t.insert(Prefix.parse("203.0.113.0/24"), "b");
        assertEquals("b", t.lookup(ip("203.0.113.9")));
        assertEquals(List.of(), t.prefixesOf("a"));
        assertEquals(List.of(Prefix.parse("203.0.113.0/24")), t.prefixesOf("b"));
    }

    @Test
    void removeOnlyTheOwnersPrefix() {
        AllowedIps<String> t = new AllowedIps<>();
        t.insert(Prefix.parse("198.51.100.0/24"), "a");
        t.insert(Prefix.parse("198.51.100.128/25"), "b");
        assertFalse(t.remove(Prefix.parse("198.51.100.0/24"), "b"));
        assertTrue(t.remove(Prefix.parse("198.51.100.128/25"), "b"));
        assertEquals("a", t.lookup(ip("198.51.100.200")));
        t.removeAll("a");
        assertNull(t.lookup(ip("198.51.100.200")));
    }

    @Test
    void hostBitsAreMaskedOnInsert() {
        AllowedIps<String> t = new AllowedIps<>();
        t.insert(Prefix.parse("100.64.1.77/24"), "a");
        assertEquals(List.of(Prefix.parse("100.64.1.0/24")), t.prefixesOf("a"));
    }

    @Test
    void randomizedAgainstLinearScan() {
        Random r = new Random(11);
        AllowedIps<Integer> t = new AllowedIps<>();
        java.util.Map<Prefix, Integer> model = new java.util.HashMap<>();
        for (int i = 0; i < 3000; i++) {
            boolean v6 = r.nextBoolean();
            Prefix p = v6 ? new Prefix(true, 0xfd7a115ca1e00000L | (r.nextLong() & 0xffffL), r.nextLong(), 32 + r.nextInt(97)).masked()
                    : new Prefix(false, ((long) (0x64400000 | r.nextInt(1 << 22)) << 32), 0, 10 + r.nextInt(23)).masked();
            int peer = r.nextInt(20);
            if (r.nextInt(5) == 0 && !model.isEmpty()) {
                Prefix victim = model.keySet().iterator().next();
                assertTrue(t.remove(victim, model.get(victim)));
                model.remove(victim);
            } else {
                t.insert(p, peer);
                model.put(p, peer);
            }
        }
        for (int i = 0; i < 20000; i++) {
            boolean v6 = r.nextBoolean();
            long hi = v6 ? 0xfd7a115ca1e00000L | (r.nextLong() & 0xffffL) : ((long) (0x64400000 | r.nextInt(1 << 22)) << 32);
            long lo = v6 ? r.nextLong() : 0;
            Integer expected = null;
            int best = -1;
            for (var e : model.entrySet()) {
                if (e.getKey().contains(v6, hi, lo) && e.getKey().bits() > best) {
                    best = e.getKey().bits();
                    expected = e.getValue();
                }
            }
            assertEquals(expected, v6 ? t.lookup6(hi, lo) : t.lookup4((int) (hi >>> 32)));
        }
    }

    @Test
    void prefixTextForms() {
        assertEquals("fd7a:115c:a1e0::/48", Prefix.parse("fd7a:115c:a1e0:0:0:0:0:0/48").toString());
        assertEquals("100.64.0.1/32", Prefix.parse("100.64.0.1").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Prefix.parseCanonical("203.0.113.5/24"));
        assertTrue(e.getMessage().contains("203.0.113.0/24"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Prefix.parse("100.64.0.300/32"));
        assertThrows(IllegalArgumentException.class, () -> Prefix.parse("100.64.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Prefix.parse("example.com/24"));
        assertTrue(Prefix.parse("100.64.0.0/10").overlaps(Prefix.parse("100.100.1.0/24")));
        assertFalse(Prefix.parse("203.0.113.0/24").overlaps(Prefix.parse("198.51.100.0/24")));
    }
}
