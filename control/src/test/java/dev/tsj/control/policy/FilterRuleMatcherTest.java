package dev.tsj.control.policy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.control.api.FilterRule;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilterRuleMatcherTest {

    private static final FilterRule SSH_AND_WEB = new FilterRule(
            List.of("100.64.0.0-100.64.0.255", "10.33.0.0/16", "fd7a:115c:a1e0::5"),
            List.of(new FilterRule.PortRange("100.100.1.1", 22, 22),
                    new FilterRule.PortRange("192.168.1.0/24", 80, 443),
                    new FilterRule.PortRange("fd7a:115c:a1e0::9", 22, 22)),
            List.of());

    private final FilterRuleMatcher m = FilterRuleMatcher.of(SSH_AND_WEB);

    @Test
    void matchesSourceDestinationAndPort() {
        assertTrue(m.matches(ip("100.64.0.7"), ip("100.100.1.1"), IpProtocols.TCP, 22));
        assertTrue(m.matches(ip("10.33.200.1"), ip("192.168.1.9"), IpProtocols.UDP, 443));
        assertTrue(m.matches(ip("fd7a:115c:a1e0::5"), ip("fd7a:115c:a1e0::9"), IpProtocols.TCP, 22));
    }

    @Test
    void refusesWhatTheRuleDoesNotName() {
        assertFalse(m.matches(ip("100.64.1.0"), ip("100.100.1.1"), IpProtocols.TCP, 22), "source outside the range");
        assertFalse(m.matches(ip("100.64.0.7"), ip("100.100.1.2"), IpProtocols.TCP, 22), "other destination");
        assertFalse(m.matches(ip("100.64.0.7"), ip("100.100.1.1"), IpProtocols.TCP, 23), "other port");
        assertFalse(m.matches(ip("10.33.0.1"), ip("192.168.1.9"), IpProtocols.TCP, 79), "below the port range");
        assertFalse(m.matches(ip("100.64.0.7"), ip("100.100.1.1"), IpProtocols.GRE, 0), "protocol outside the default set");
        assertFalse(m.matches(ip("fd7a:115c:a1e0::6"), ip("fd7a:115c:a1e0::9"), IpProtocols.TCP, 22), "other IPv6 source");
        assertFalse(m.matches(ip("100.64.0.7"), ip("fd7a:115c:a1e0::9"), IpProtocols.TCP, 22), "mixed families");
    }

    @Test
    void icmpIgnoresPorts() {
        assertTrue(m.matches(ip("100.64.0.7"), ip("100.100.1.1"), IpProtocols.ICMP, 0));
        assertTrue(m.matches(ip("fd7a:115c:a1e0::5"), ip("fd7a:115c:a1e0::9"), IpProtocols.ICMPV6, 0));
    }

    @Test
    void explicitProtocolsAndWildcards() {
        FilterRule udpAnywhere = new FilterRule(List.of("*"), List.of(new FilterRule.PortRange("*", 53, 53)),
                List.of(IpProtocols.UDP));
        FilterRuleMatcher dns = FilterRuleMatcher.of(udpAnywhere);
        assertTrue(dns.matchesV4(0x08080808, 0x01010101, IpProtocols.UDP, 53));
        assertTrue(dns.matchesV6(-1L, -1L, 0, 1, IpProtocols.UDP, 53));
        assertFalse(dns.matchesV4(0x08080808, 0x01010101, IpProtocols.TCP, 53));
        assertTrue(FilterRuleMatcher.anyMatchesV4(List.of(m, dns), 0x08080808, 0x01010101, IpProtocols.UDP, 53));
        assertFalse(FilterRuleMatcher.anyMatchesV4(List.of(m, dns), 0x08080808, 0x01010101, IpProtocols.UDP, 54));
    }

    @Test
    void rejectsNonsense() {
        FilterRule bad = new FilterRule(List.of("not-an-ip"), List.of(), List.of());
        assertThrows(IllegalArgumentException.class, () -> FilterRuleMatcher.of(bad));
    }

    private static IpAddress ip(String s) {
        return IpAddress.parse(s).orElseThrow();
    }
}
