package dev.tsj.control.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.control.api.FilterRule;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Small topologies that pin down one rule of the compiler each. */
class PolicyCompilerTest {

    private static final TopologyUser ALICE = new TopologyUser(1, "alice", "alice@example.com");
    private static final TopologyUser BOB = new TopologyUser(2, "bob", "bob@example.com");

    private static TopologyNode node(long id, String name, TopologyUser owner, List<String> tags, String v4,
                                     List<String> advertised, List<String> approved) {
        return new TopologyNode(id, name, owner == null ? OptionalLong.empty() : OptionalLong.of(owner.id()), tags,
                List.of(IpAddress.parse(v4).orElseThrow()),
                advertised.stream().map(p -> IpPrefix.parse(p).orElseThrow()).toList(),
                approved.stream().map(p -> IpPrefix.parse(p).orElseThrow()).toList());
    }

    private static final TopologyNode LAPTOP = node(1, "laptop", ALICE, List.of(), "100.64.0.1", List.of(), List.of());
    private static final TopologyNode PHONE = node(2, "phone", ALICE, List.of(), "100.64.0.2", List.of(), List.of());
    private static final TopologyNode DESK = node(3, "desk", BOB, List.of(), "100.64.0.3", List.of(), List.of());
    private static final TopologyNode ROUTER1 = node(4, "r1", null, List.of("tag:router"), "100.64.0.4",
            List.of("192.168.1.0/24"), List.of("192.168.1.0/24"));
    private static final TopologyNode ROUTER2 = node(5, "r2", null, List.of("tag:router"), "100.64.0.5",
            List.of("192.168.1.0/24"), List.of("192.168.1.0/24"));

    private static CompiledPolicy compile(String policy, TopologyNode... nodes) throws PolicyException {
        return PolicyCompiler.compile(PolicyParser.parse(policy), Topology.electingPrimaries(List.of(ALICE, BOB), List.of(nodes)));
    }

    @Test
    void autogroupSelfConnectsOnlyAUsersOwnNodes() throws PolicyException {
        CompiledPolicy c = compile("""
                {"acls": [{"action": "accept", "src": ["autogroup:member"], "dst": ["autogroup:self:22"]}]}
                """, LAPTOP, PHONE, DESK);
        NodePolicy laptop = c.forNode(1).orElseThrow();
        assertEquals(List.of("phone"), laptop.peers().stream().map(PeerEntry::hostname).toList());
        assertEquals(List.of(new FilterRule(List.of("100.64.0.1-100.64.0.2"),
                List.of(new FilterRule.PortRange("100.64.0.1", 22, 22)), List.of())), laptop.packetFilter());
        assertTrue(c.forNode(3).orElseThrow().peers().isEmpty(), "bob has no other node");
    }

    @Test
    void bothHaRoutersFilterButOnlyThePrimaryCarriesTheRoute() throws PolicyException {
        CompiledPolicy c = compile("""
                {"groups": {"group:ops": ["alice@example.com"]},
                 "acls": [{"action": "accept", "src": ["group:ops"], "dst": ["192.168.1.0/24:443"]}]}
                """, LAPTOP, DESK, ROUTER1, ROUTER2);
        for (long router : List.of(4L, 5L)) {
            assertEquals(List.of(new FilterRule(List.of("100.64.0.1"),
                    List.of(new FilterRule.PortRange("192.168.1.0/24", 443, 443)), List.of())),
                    c.forNode(router).orElseThrow().packetFilter());
        }
        List<PeerEntry> seen = c.forNode(1).orElseThrow().peers();
        assertEquals(List.of("100.64.0.4/32", "192.168.1.0/24"), seen.get(0).allowedIps());
        assertEquals(List.of("192.168.1.0/24"), seen.get(0).primaryRoutes());
        assertEquals(List.of("100.64.0.5/32"), seen.get(1).allowedIps());
        assertTrue(c.forNode(3).orElseThrow().peers().isEmpty(), "bob is in no rule");
        assertTrue(c.forNode(3).orElseThrow().packetFilter().isEmpty());
    }

    @Test
    void wildcardSourceCoversRoutedSubnetsAndDestinationsCarryProtocols() throws PolicyException {
        CompiledPolicy c = compile("""
                {"tagOwners": {"tag:router": []},
                 "acls": [{"action": "accept", "src": ["*"], "proto": "udp", "dst": ["alice@example.com:53"]}]}
                """, LAPTOP, ROUTER1);
        FilterRule rule = c.forNode(1).orElseThrow().packetFilter().getFirst();
        assertEquals(List.of("100.64.0.0-100.115.91.255", "100.115.94.0-100.127.255.255", "192.168.1.0/24",
                "fd7a:115c:a1e0::/48"), rule.srcIps());
        assertEquals(List.of(IpProtocols.UDP), rule.ipProto());
        // The router's subnet may send to the laptop, so the laptop needs it in the router's AllowedIPs.
        assertEquals(List.of("100.64.0.4/32", "192.168.1.0/24"), c.forNode(1).orElseThrow().peers().getFirst().allowedIps());
    }

    @Test
    void autoApproversApproveCoveredRoutesButExitRoutesOnlyThroughExitNode() throws PolicyException {
        Policy p = PolicyParser.parse("""
                {"tagOwners": {"tag:router": []},
                 "autoApprovers": {"routes": {"192.168.0.0/16": ["tag:router"], "0.0.0.0/0": ["tag:router"]},
                                   "exitNode": ["alice@example.com"]}}
                """);
        TopologyNode router = node(1, "r", null, List.of("tag:router"), "100.64.0.4",
                List.of("192.168.1.0/24", "10.0.0.0/8", "0.0.0.0/0"), List.of());
        TopologyNode laptop = node(2, "l", ALICE, List.of(), "100.64.0.1", List.of("0.0.0.0/0", "::/0"), List.of());
        Topology t = Topology.electingPrimaries(List.of(ALICE), List.of(router, laptop));
        // 0.0.0.0/0 under routes covers every IPv4 subnet, but does not make the router an exit node.
        assertEquals(List.of(IpPrefix.parse("192.168.1.0/24").orElseThrow(), IpPrefix.parse("10.0.0.0/8").orElseThrow()),
                AutoApproval.approvedRoutes(p, t, router));
        assertEquals(List.of(IpPrefix.V4_ALL, IpPrefix.V6_ALL), AutoApproval.approvedRoutes(p, t, laptop));
    }
}
