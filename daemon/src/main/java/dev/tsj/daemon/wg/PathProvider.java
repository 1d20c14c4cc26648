package dev.tsj.daemon.wg;

import dev.tsj.crypto.PublicKey;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Reaching peers by key rather than by a fixed address (tailnet mode): a direct UDP path
 * proven by discovery, or the relay. Without one (plain wg mode) the device uses each
 * peer's endpoint and WireGuard's roaming, as wireguard-go does.
 */
public interface PathProvider {
    /** The proven direct UDP path to {@code peer}, or null. Called per packet: lock-free. */
    InetSocketAddress direct(Peer peer);

    /** Whether a relay connection can carry packets to {@code peer} now. */
    boolean relayAvailable(Peer peer);

    /** Sends a WireGuard message to {@code peer} through the relay; false if dropped. */
    boolean sendViaRelay(PublicKey peer, byte[] data, int off, int len);

    /** A datagram on the WireGuard socket that is not WireGuard (disco, STUN); true if taken. */
    boolean intercept(ByteBuffer slot, int len, InetSocketAddress from);

    /** Traffic was sent to {@code peer} (keeps its direct path's heartbeats going). */
    void noteTraffic(Peer peer);
}
