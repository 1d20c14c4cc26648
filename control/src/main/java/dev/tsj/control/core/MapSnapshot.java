package dev.tsj.control.core;

import java.util.List;

/**
 * Everything a full map holds for one node, by reference to the shared views: building
 * one copies pointers, not bytes. {@code access} says which variant of each peer the node
 * gets and holds its packet filter.
 *
 * @param relaysJson the relay map as a JSON array, or null when the server advertises none
 */
public record MapSnapshot(PeerView self, List<PeerView> peers, ViewerAccess access, byte[] dnsJson,
                          int keepAliveSeconds, byte[] relaysJson) {
    public MapSnapshot(PeerView self, List<PeerView> peers, ViewerAccess access, byte[] dnsJson, int keepAliveSeconds) {
        this(self, peers, access, dnsJson, keepAliveSeconds, null);
    }
}
