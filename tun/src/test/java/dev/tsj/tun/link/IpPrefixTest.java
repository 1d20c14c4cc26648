package dev.tsj.tun.link;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class IpPrefixTest {
    @Test
    void parsesAndPrints() {
        assertEquals("100.64.0.1/32", IpPrefix.parse("100.64.0.1/32").toString());
        assertEquals("100.64.0.1/32", IpPrefix.parse("100.64.0.1").toString());
        assertEquals("fd7a:115c:a1e0:0:0:0:0:1/128", IpPrefix.parse("fd7a:115c:a1e0::1").toString());
        assertTrue(IpPrefix.parse("fd7a:115c:a1e0::/48").isIpv6());
    }

    @Test
    void rejectsBadInputWithoutResolvingNames() {
        var e = assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("example.com/24"));
        assertEquals("'example.com/24' is not an IP address or prefix", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("10.0.0.0/x"));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("::/129"));
    }

    @Test
    void networkClearsHostBits() {
        assertEquals(IpPrefix.parse("203.0.113.0/24"), IpPrefix.parse("203.0.113.77/24").network());
        assertEquals(IpPrefix.parse("100.64.0.0/10"), IpPrefix.parse("100.127.255.255/10").network());
        assertEquals(IpPrefix.parse("fd7a:115c:a1e0::/48"), IpPrefix.parse("fd7a:115c:a1e0:ab12::1/48").network());
        assertEquals(IpPrefix.parse("0.0.0.0/0"), IpPrefix.parse("198.51.100.1/0").network());
    }

    @Test
    void overlapIsSharedAddresses() {
        assertTrue(IpPrefix.parse("203.0.113.0/24").overlaps(IpPrefix.parse("203.0.113.128/25")));
        assertTrue(IpPrefix.parse("203.0.113.128/25").overlaps(IpPrefix.parse("203.0.0.0/16")));
        assertFalse(IpPrefix.parse("203.0.113.0/25").overlaps(IpPrefix.parse("203.0.113.128/25")));
        assertFalse(IpPrefix.parse("0.0.0.0/0").overlaps(IpPrefix.parse("::/0")));
    }

    @Test
    void routesAndRulesNormaliseToNetworks() {
        assertEquals("203.0.113.0/24 dev tsj0 table 52", new Route(IpPrefix.parse("203.0.113.9/24"), "tsj0", 52).toString());
        assertEquals("-4 to 203.0.113.0/24 lookup 52 priority 5270",
                PolicyRule.to(IpPrefix.parse("203.0.113.9/24"), 52, 5270).toString());
        assertEquals("-6 lookup 52 priority 5270", PolicyRule.all(true, 52, 5270).toString());
        assertThrows(IllegalArgumentException.class, () -> new PolicyRule(true, IpPrefix.parse("10.0.0.0/8"), 52, 1));
    }
}
