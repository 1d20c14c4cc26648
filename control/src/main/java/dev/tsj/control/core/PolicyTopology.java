package dev.tsj.control.core;

import dev.tsj.control.api.IpPrefix;
import dev.tsj.control.policy.IpAddress;
import dev.tsj.control.policy.Topology;
import dev.tsj.control.policy.TopologyNode;
import dev.tsj.control.policy.TopologyUser;
import dev.tsj.control.store.NodeRow;
import dev.tsj.control.store.RouteRow;
import dev.tsj.control.store.UserRow;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The tailnet as the policy compiler sees it: users by login, nodes (those whose keys have
 * not expired, by id so registration order elects primaries) with their tags, addresses and
 * routes, and the server's own primaries, which are authoritative. Core thread only.
 */
final class PolicyTopology {
    private PolicyTopology() {}

    static Topology of(Collection<UserRow> users, Collection<NodeState> nodes, RouteTable routes) {
        List<TopologyNode> out = new ArrayList<>(nodes.size());
        for (NodeState n : nodes) {
            if (!n.expiryPublished) {
                out.add(node(n.row, routes.of(n.id())));
            }
        }
        out.sort((a, b) -> Long.compare(a.id(), b.id()));
        Map<Long, List<dev.tsj.control.policy.IpPrefix>> primaries = new java.util.HashMap<>();
        routes.primariesByNode().forEach((id, ps) -> primaries.put(id, ps.stream().map(PolicyTopology::prefix).toList()));
        return new Topology(users(users), out, primaries);
    }

    /**
     * A tsj user as the policy names it: a user called {@code alice@example.com} by that login,
     * one called plain {@code alice} as {@code alice@}, the form headscale uses for users
     * without a mail domain.
     */
    static List<TopologyUser> users(Collection<UserRow> users) {
        return users.stream().map(u -> new TopologyUser(u.id(), u.name(), u.name().contains("@") ? u.name() : null))
                .toList();
    }

    static TopologyNode node(NodeRow r, List<RouteRow> routes) {
        List<dev.tsj.control.policy.IpPrefix> advertised = new ArrayList<>();
        List<dev.tsj.control.policy.IpPrefix> approved = new ArrayList<>();
        for (RouteRow route : routes) {
            if (route.advertised()) {
                advertised.add(prefix(route.prefix()));
            }
            if (route.approved()) {
                approved.add(prefix(route.prefix()));
            }
        }
        return new TopologyNode(r.id(), r.givenName(), OptionalLong.of(r.userId()), r.tags(),
                List.of(address(r.ipv4()), address(r.ipv6())), advertised, approved);
    }

    static dev.tsj.control.policy.IpPrefix prefix(IpPrefix p) {
        return new dev.tsj.control.policy.IpPrefix(address(p.address()), p.bits());
    }

    static IpPrefix prefix(dev.tsj.control.policy.IpPrefix p) {
        return IpPrefix.parse(p.toString());
    }

    private static IpAddress address(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 4) {
            return IpAddress.ofV4(((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF));
        }
        return IpAddress.ofV6(java.nio.ByteBuffer.wrap(b, 0, 8).getLong(), java.nio.ByteBuffer.wrap(b, 8, 8).getLong());
    }
}
