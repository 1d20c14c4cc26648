package dev.tsj.control.api;

import dev.tsj.crypto.PublicKey;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A change the node pushes on its open map session; null fields are unchanged.
 *
 * @param homeRelay the region id of the relay the node now keeps its home connection to
 *                  (0: none), which peers use to reach it through a relay
 */
public record MapUpdate(List<InetSocketAddress> endpoints, Hostinfo hostinfo, PublicKey discoKey, Integer homeRelay)
        implements Message {
    public MapUpdate {
        endpoints = endpoints == null ? null : List.copyOf(endpoints);
    }

    public MapUpdate(List<InetSocketAddress> endpoints, Hostinfo hostinfo, PublicKey discoKey) {
        this(endpoints, hostinfo, discoKey, null);
    }

    public static MapUpdate homeRelay(int regionId) {
        return new MapUpdate(null, null, null, regionId);
    }

    public static MapUpdate endpoints(List<InetSocketAddress> endpoints) {
        return new MapUpdate(endpoints, null, null);
    }

    public static MapUpdate hostinfo(Hostinfo hostinfo) {
        return new MapUpdate(null, hostinfo, null);
    }
}
