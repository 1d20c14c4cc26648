package dev.tsj.control.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class IpSetTest {

    @Test
    void parsesAndFormatsAddresses() {
        assertEquals("100.64.0.1", IpAddress.parse("100.64.0.1").orElseThrow().toString());
        assertEquals("fd7a:115c:a1e0::1", IpAddress.parse("fd7a:115c:a1e0:0:0:0:0:1").orElseThrow().toString());
        assertEquals("::", IpAddress.parse("::").orElseThrow().toString());
        assertEquals("2001:db8::1:0:0:1", IpAddress.parse("2001:db8:0:0:1:0:0:1").orElseThrow().toString());
        assertEquals("::ffff:c000:201", IpAddress.parse("::ffff:192.0.2.1").orElseThrow().toString());
        for (String bad : List.of("1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1::2::3", "12345::", ":1::", "1:2:3:4:5:6:7:8:9", "host")) {
            assertTrue(IpAddress.parse(bad).isEmpty(), bad);
        }
    }

    @Test
    void prefixesClearHostBits() {
        assertEquals("10.0.0.0/8", IpPrefix.parse("10.1.2.3/8").orElseThrow().toString());
        assertEquals("fd7a:115c:a1e0::/48", IpPrefix.parse("fd7a:115c:a1e0:ab12::/48").orElseThrow().toString());
        assertTrue(IpPrefix.parse("10.0.0.0/33").isEmpty());
        assertTrue(IpPrefix.parse("10.0.0.0/").isEmpty());
    }

    @Test
    void tailnetWildcardIsCgnatLessChromeOsPlusUla() {
        assertEquals(List.of("100.64.0.0-100.115.91.255", "100.115.94.0-100.127.255.255", "fd7a:115c:a1e0::/48"),
                TailnetRanges.TAILNET.toWireStrings());
    }

    @Test
    void rangeSplitsIntoTheFewestCidrs() {
        IpRange r = IpRange.parse("100.64.0.0-100.115.91.255").orElseThrow();
        assertEquals(List.of("100.64.0.0/11", "100.96.0.0/12", "100.112.0.0/15", "100.114.0.0/16",
                "100.115.0.0/18", "100.115.64.0/20", "100.115.80.0/21", "100.115.88.0/22"),
                r.prefixes().stream().map(IpPrefix::toString).toList());
        assertEquals(List.of("::/0"), IpPrefix.V6_ALL.range().prefixes().stream().map(IpPrefix::toString).toList());
    }

    @Test
    void equalNotationsGiveEqualSets() {
        IpSet bare = IpSet.parseWire("100.64.0.1").orElseThrow();
        assertEquals(bare, IpSet.parseWire("100.64.0.1/32").orElseThrow());
        IpSet range = IpSet.parseWire("10.0.0.0-10.0.1.255").orElseThrow();
        assertEquals(range, IpSet.parseWire("10.0.0.0/24").orElseThrow().union(IpSet.parseWire("10.0.1.0/24").orElseThrow()));
    }

    @Test
    void setArithmetic() {
        IpSet a = IpSet.parseWire("10.0.0.0/8").orElseThrow();
        IpSet b = IpSet.parseWire("10.33.0.0/16").orElseThrow();
        assertEquals(b, a.intersect(b));
        assertEquals(List.of("10.0.0.0-10.32.255.255", "10.34.0.0-10.255.255.255"), a.subtract(b).toWireStrings());
        assertTrue(a.containsAll(b));
        assertFalse(b.containsAll(a));
        assertTrue(IpSet.ALL.containsAll(TailnetRanges.INTERNET));
        assertFalse(TailnetRanges.INTERNET.overlaps(IpSet.parseWire("100.100.1.1").orElseThrow()));
        assertTrue(TailnetRanges.INTERNET.contains(IpAddress.parse("8.8.8.8").orElseThrow()));
        assertEquals(IpSet.EMPTY, a.subtract(IpSet.ALL));
    }
}
