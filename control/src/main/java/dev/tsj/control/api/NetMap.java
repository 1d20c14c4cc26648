package dev.tsj.control.api;

import dev.tsj.crypto.PublicKey;
import java.util.List;
import java.util.Optional;

/**
 * A complete, immutable network map as the daemon uses it: this node, its peers (only
 * usable ones: expired and deleted nodes are not in here), the packet filter for this node
 * and the DNS settings. The client library builds one from the full map and every delta.
 *
 * @param version counts the maps of one session (1 is the full map)
 * @param relays  the tailnet's relays (empty: none advertised)
 */
public record NetMap(Node self, List<Node> peers, List<FilterRule> packetFilter, DnsConfig dns, long version,
                     List<RelayNode> relays) {
    public NetMap {
        peers = List.copyOf(peers);
        packetFilter = packetFilter == null ? List.of() : List.copyOf(packetFilter);
        relays = relays == null ? List.of() : List.copyOf(relays);
    }

    public NetMap(Node self, List<Node> peers, List<FilterRule> packetFilter, DnsConfig dns, long version) {
        this(self, peers, packetFilter, dns, version, List.of());
    }

    /** The relay of region {@code regionId} (a peer's home relay), if advertised. */
    public Optional<RelayNode> relayByRegion(int regionId) {
        return relays.stream().filter(r -> r.regionId() == regionId).findFirst();
    }

    public Optional<Node> peerByNodeKey(PublicKey key) {
        return peers.stream().filter(p -> key.equals(p.nodeKey())).findFirst();
    }

    public Optional<Node> peerByName(String name) {
        return peers.stream().filter(p -> name.equals(p.name())).findFirst();
    }

    public Optional<Node> peerById(long id) {
        return peers.stream().filter(p -> p.id() == id).findFirst();
    }
}
