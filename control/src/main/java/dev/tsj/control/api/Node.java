package dev.tsj.control.api;

import dev.tsj.crypto.PublicKey;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;

/**
 * One node as a netmap shows it, for self and for each peer.
 *
 * @param id           the server's numeric id (stable for the life of the node)
 * @param stableId     an opaque id that never changes and is never reused
 * @param name         the node's unique DNS label in the tailnet (e.g. {@code web-1})
 * @param dnsName      {@code name.<tailnet domain>}
 * @param user         login name of the owner, or {@code tagged-devices} for a tagged node
 * @param tags         the node's tags (empty for a user-owned node)
 * @param nodeKey      the node's WireGuard public key
 * @param machineKey   the node's machine key (its control-channel identity)
 * @param discoKey     the node's disco key, or null if it has not reported one
 * @param addresses    its tailnet addresses (one /32 and one /128)
 * @param allowedIps   what the node may send from: its addresses plus the subnet routes it
 *                     is primary for
 * @param primaryRoutes the approved subnet routes this node currently serves as primary
 * @param endpoints    UDP endpoints where the node may be reached
 * @param online       whether it holds a map session now
 * @param lastSeen     when it last connected or disconnected (null if never)
 * @param keyExpiry    when its node key expires (null: never, as for tagged nodes)
 * @param expired      whether its node key has expired
 * @param hostinfo     what the node reported about itself (OS, hostname, routes...)
 * @param homeRelay    the region id of the relay that reaches the node (it reported it);
 *                     null: none (or an older node)
 */
public record Node(long id, String stableId, String name, String dnsName, String user, List<String> tags,
                   PublicKey nodeKey, PublicKey machineKey, PublicKey discoKey,
                   List<IpPrefix> addresses, List<IpPrefix> allowedIps, List<IpPrefix> primaryRoutes,
                   List<InetSocketAddress> endpoints, boolean online, Instant lastSeen,
                   Instant keyExpiry, boolean expired, Hostinfo hostinfo, Integer homeRelay) {
    public Node {
        tags = copy(tags);
        addresses = copy(addresses);
        allowedIps = copy(allowedIps);
        primaryRoutes = copy(primaryRoutes);
        endpoints = copy(endpoints);
    }

    /** A node without a home relay. */
    public Node(long id, String stableId, String name, String dnsName, String user, List<String> tags,
                PublicKey nodeKey, PublicKey machineKey, PublicKey discoKey,
                List<IpPrefix> addresses, List<IpPrefix> allowedIps, List<IpPrefix> primaryRoutes,
                List<InetSocketAddress> endpoints, boolean online, Instant lastSeen,
                Instant keyExpiry, boolean expired, Hostinfo hostinfo) {
        this(id, stableId, name, dnsName, user, tags, nodeKey, machineKey, discoKey, addresses, allowedIps,
                primaryRoutes, endpoints, online, lastSeen, keyExpiry, expired, hostinfo, null);
    }

    private static <T> List<T> copy(List<T> l) {
        return l == null ? List.of() : List.copyOf(l);
    }

    /** The node's IPv4 tailnet address, or null. */
    public IpPrefix ipv4() {
        return addresses.stream().filter(IpPrefix::isIpv4).findFirst().orElse(null);
    }

    /** The node's IPv6 tailnet address, or null. */
    public IpPrefix ipv6() {
        return addresses.stream().filter(p -> !p.isIpv4()).findFirst().orElse(null);
    }
}
