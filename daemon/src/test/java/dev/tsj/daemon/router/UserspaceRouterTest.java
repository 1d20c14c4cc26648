package dev.tsj.daemon.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.tun.netstack.IpAddress;
import dev.tsj.tun.netstack.NetStackConfig;
import dev.tsj.tun.netstack.PrefixSet;
import dev.tsj.tun.netstack.UserspaceNetDevice;
import dev.tsj.tun.netstack.forward.SubnetForwarder;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The netmap as the userspace stack sees it: addresses, routes for the proxies, advertised routes. */
class UserspaceRouterTest {
    @Test
    void aNetmapConfiguresTheStackAndDownUndoesIt() throws Exception {
        try (UserspaceNetDevice dev = new UserspaceNetDevice(NetStackConfig.builder().build())) {
            UserspaceRouter r = new UserspaceRouter(dev.stack(), SubnetForwarder.Options.defaults());
            r.apply(new Router.Config(List.of("100.64.0.5/32", "fd7a:115c:a1e0::5/128"),
                    List.of("100.64.0.0/10", "fd7a:115c:a1e0::/48", "198.51.100.0/24"), List.of("203.0.113.0/24"), true));
            assertEquals(List.of(IpAddress.parse("100.64.0.5"), IpAddress.parse("fd7a:115c:a1e0::5")), dev.stack().addresses());
            assertTrue(r.routesToTunnel(InetAddress.ofLiteral("100.100.1.1")));
            assertTrue(r.routesToTunnel(InetAddress.ofLiteral("198.51.100.7")), "an accepted subnet route");
            assertFalse(r.routesToTunnel(InetAddress.ofLiteral("203.0.113.7")), "our own advertised route is not dialled through the tunnel");
            assertEquals(PrefixSet.parse("203.0.113.0/24"), dev.stack().routedPrefixes(), "the stack terminates the advertised route");
            assertEquals(List.of(), r.problems());

            r.apply(new Router.Config(List.of("100.64.0.5/32"), List.of("100.64.0.0/10"), List.of("203.0.113.0/24"), false));
            assertTrue(r.problems().getFirst().startsWith("--snat-subnet-routes=false has no effect in userspace mode"), r.problems().toString());

            r.close();
            assertEquals(List.of(), dev.stack().addresses());
            assertFalse(r.routesToTunnel(InetAddress.ofLiteral("100.100.1.1")));
            assertTrue(dev.stack().routedPrefixes().isEmpty());
        }
    }
}
