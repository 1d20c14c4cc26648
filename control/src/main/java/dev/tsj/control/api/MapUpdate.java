package dev.tsj.control.api;

import dev.tsj.crypto.PublicKey;
import java.net.InetSocketAddress;
import java.util.List;

/** A change the node pushes on its open map session; null fields are unchanged. */
public record MapUpdate(List<InetSocketAddress> endpoints, Hostinfo hostinfo, PublicKey discoKey)
        implements Message {
    public MapUpdate {
        endpoints = endpoints == null ? null : List.copyOf(endpoints);
    }

    public static MapUpdate endpoints(List<InetSocketAddress> endpoints) {
        return new MapUpdate(endpoints, null, null);
    }

    public static MapUpdate hostinfo(Hostinfo hostinfo) {
        return new MapUpdate(null, hostinfo, null);
    }
}
