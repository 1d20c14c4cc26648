package dev.tsj.tun.link;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class AddrShowParserTest {
    // Real `ip -o addr show` output shapes (iproute2 6.1), addresses changed to documentation ranges.
    private static final String OUTPUT = """
            1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
            1: lo    inet6 ::1/128 scope host noprefixroute \\       valid_lft forever preferred_lft forever
            2: eth0    inet 198.51.100.7/24 brd 198.51.100.255 scope global dynamic eth0\\       valid_lft 85000sec preferred_lft 85000sec
            2: eth0    inet6 2001:db8:1::7/64 scope global dynamic mngtmpaddr \\       valid_lft 86000sec preferred_lft 14000sec
            2: eth0    inet6 fe80::1/64 scope link \\       valid_lft forever preferred_lft forever
            3: tun1    inet 100.64.9.5 peer 100.64.9.6/32 scope global tun1\\       valid_lft forever preferred_lft forever
            4: veth0@if5    inet 203.0.113.1/24 scope global veth0\\       valid_lft forever preferred_lft forever
            4: veth0@if5    inet 203.0.113.2/24 scope global secondary veth0\\       valid_lft forever preferred_lft forever
            """;

    @Test
    void listsGlobalNetworksWithHostBitsCleared() {
        assertEquals(List.of(
                new ConnectedNetwork("eth0", IpPrefix.parse("198.51.100.0/24")),
                new ConnectedNetwork("eth0", IpPrefix.parse("2001:db8:1::/64")),
                new ConnectedNetwork("tun1", IpPrefix.parse("100.64.9.6/32")),
                new ConnectedNetwork("veth0", IpPrefix.parse("203.0.113.0/24"))),
                AddrShowParser.connectedNetworks(OUTPUT));
    }

    @Test
    void ignoresWhatItDoesNotUnderstand() {
        assertEquals(List.of(), AddrShowParser.connectedNetworks("garbage\n\n2: x    link/ether 00:11:22:33:44:55\n"));
    }
}
