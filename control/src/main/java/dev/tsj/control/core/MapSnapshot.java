package dev.tsj.control.core;

import java.util.List;

/**
 * Everything a full map holds for one node, by reference to the shared views: building
 * one copies pointers, not bytes.
 */
public record MapSnapshot(PeerView self, List<PeerView> peers, byte[] packetFilterJson, byte[] dnsJson,
                          int keepAliveSeconds) {}
