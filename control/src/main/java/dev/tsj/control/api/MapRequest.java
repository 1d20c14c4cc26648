package dev.tsj.control.api;

import dev.tsj.crypto.PublicKey;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Opens the node's long-lived map session: the server answers with a full map, then
 * deltas, until the channel closes.
 *
 * @param homeRelay the node's home relay region id (0 or null: none), as in {@link MapUpdate}
 */
public record MapRequest(PublicKey nodeKey, PublicKey discoKey, List<InetSocketAddress> endpoints, Hostinfo hostinfo,
                         Integer homeRelay)
        implements Message {
    public MapRequest {
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    }

    public MapRequest(PublicKey nodeKey, PublicKey discoKey, List<InetSocketAddress> endpoints, Hostinfo hostinfo) {
        this(nodeKey, discoKey, endpoints, hostinfo, null);
    }

    /** This request with the latest state an update carried, for reconnecting. */
    public MapRequest apply(MapUpdate u) {
        return new MapRequest(nodeKey, u.discoKey() != null ? u.discoKey() : discoKey,
                u.endpoints() != null ? u.endpoints() : endpoints,
                u.hostinfo() != null ? u.hostinfo() : hostinfo,
                u.homeRelay() != null ? u.homeRelay() : homeRelay);
    }
}
