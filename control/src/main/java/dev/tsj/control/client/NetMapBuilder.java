package dev.tsj.control.client;

import dev.tsj.control.api.DnsConfig;
import dev.tsj.control.api.FilterRule;
import dev.tsj.control.api.MapResponse;
import dev.tsj.control.api.NetMap;
import dev.tsj.control.api.Node;
import dev.tsj.control.api.RelayNode;
import java.util.List;
import java.util.TreeMap;

/**
 * Applies a session's map messages, a full map then deltas, and hands out each result as
 * a complete immutable {@link NetMap}, so the daemon never sees a delta.
 */
public final class NetMapBuilder {
    private Node self;
    private final TreeMap<Long, Node> peers = new TreeMap<>();
    private List<FilterRule> filter = List.of();
    private DnsConfig dns;
    private List<RelayNode> relays = List.of();
    private long version;

    /** Applies one message; returns the map after it, or null before any full map arrived. */
    public NetMap apply(MapResponse m) {
        if (m.full()) {
            peers.clear();
            self = m.self();
            if (m.peers() != null) {
                for (Node p : m.peers()) {
                    peers.put(p.id(), p);
                }
            }
            filter = m.packetFilter() == null ? List.of() : m.packetFilter();
            dns = m.dns();
            relays = m.relays() == null ? List.of() : m.relays();
        } else {
            if (self == null) {
                return null;
            }
            if (m.self() != null) {
                self = m.self();
            }
            if (m.peersChanged() != null) {
                for (Node p : m.peersChanged()) {
                    if (p.id() != self.id()) {
                        peers.put(p.id(), p);
                    }
                }
            }
            if (m.peersRemoved() != null) {
                for (long id : m.peersRemoved()) {
                    peers.remove(id);
                }
            }
            if (m.packetFilter() != null) {
                filter = m.packetFilter();
            }
            if (m.dns() != null) {
                dns = m.dns();
            }
            if (m.relays() != null) {
                relays = m.relays();
            }
        }
        version++;
        return new NetMap(self, List.copyOf(peers.values()), filter, dns, version, relays);
    }
}
