package dev.tsj.control.relay;

/**
 * What a relay has done since it started: so an operator (or a test) can tell whether
 * traffic went through the relay or not.
 *
 * @param clients                 nodes connected now
 * @param connections             connections admitted since start
 * @param packetsRelayed          packets written to their destination's connection
 * @param bytesRelayed            bytes of those packets (WireGuard ciphertext, no framing)
 * @param dropsQueueFull          packets dropped because the destination's queue was full
 * @param dropsUnknownDestination packets for a node key not connected here
 * @param malformedFrames         connections closed for breaking the protocol
 * @param unknownFrames           frames of unknown type skipped (newer clients)
 * @param badClientInfo           connections closed for a bad or missing key proof
 * @param admissionRefused        proven keys that are not (or no longer) in the tailnet
 * @param admissionUnavailable    connections refused because admission could not be asked
 * @param replacedConnections     connections closed because the same key connected again
 * @param stunRequests            STUN binding requests answered (all ports)
 * @param stunMalformed           UDP datagrams on the STUN ports that were not binding requests
 */
public record RelayStats(String name, int clients, long connections, long packetsRelayed, long bytesRelayed,
                         long dropsQueueFull, long dropsUnknownDestination, long malformedFrames, long unknownFrames,
                         long badClientInfo, long admissionRefused, long admissionUnavailable,
                         long replacedConnections, long pings, long stunRequests, long stunMalformed) {}
