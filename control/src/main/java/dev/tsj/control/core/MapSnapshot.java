package dev.tsj.control.core;

import java.util.List;

/**
 * Everything a full map holds for one node, by reference to the shared views: building
 * one copies pointers, not bytes.
 *
 * @param relaysJson the relay map as a JSON array, or null when the server advertises none
 */
public record MapSnapshot(PeerView self, List<PeerView> peers, byte[] packetFilterJson, byte[] dnsJson,
                          int keepAliveSeconds, byte[] relaysJson) {
    public MapSnapshot(PeerView self, List<PeerView> peers, byte[] packetFilterJson, byte[] dnsJson,
                       int keepAliveSeconds) {
        this(self, peers, packetFilterJson, dnsJson, keepAliveSeconds, null);
    }
}
