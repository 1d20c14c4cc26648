package dev.tsj.daemon.node;

import dev.tsj.control.api.IpPrefix;
import dev.tsj.control.api.NetMap;
import dev.tsj.control.api.Node;
import dev.tsj.crypto.PublicKey;
import dev.tsj.daemon.wg.Device;
import dev.tsj.daemon.wg.Peer;
import dev.tsj.daemon.wg.Prefix;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Makes the WireGuard device match a netmap: one peer per node (keyed by node key), its
 * endpoint, its allowed IPs; peers no longer in the map are removed, which also ends
 * their sessions (a deleted node's traffic is no longer accepted).
 */
final class NetmapApplier {
    private static final Logger LOG = Logger.getLogger(NetmapApplier.class.getName());
    /** A roamed-to endpoint stays preferred while its session is this fresh. */
    private static final Duration TRUST_ROAMED = Duration.ofMinutes(3);

    private NetmapApplier() {}

    static void apply(Device device, NetMap map, List<Prefix> localNetworks) {
        Set<PublicKey> wanted = new HashSet<>();
        for (Node n : map.peers()) {
            if (n.nodeKey() == null || n.nodeKey().equals(device.publicKey())) {
                continue;
            }
            wanted.add(n.nodeKey());
            Peer p = device.peer(n.nodeKey());
            if (p == null) {
                p = device.addPeer(n.nodeKey());
                LOG.info("peer " + n.name() + " " + n.nodeKey().shortString() + " joined");
            }
            boolean hadEndpoint = p.endpoint() != null;
            updateEndpoint(p, n.endpoints(), localNetworks);
            if (!hadEndpoint && p.endpoint() != null) {
                device.flush(p); // packets were waiting for somewhere to go
            }
            Set<Prefix> want = new LinkedHashSet<>();
            for (IpPrefix a : n.allowedIps()) {
                Prefix p0 = Prefix.parse(a.toString());
                // An exit node's default routes (0.0.0.0/0, ::/0) would send all traffic to it;
                // tsj does not use exit nodes yet, so they stay out of the routing table.
                if (p0.bits() > 0) {
                    want.add(p0);
                }
            }
            List<Prefix> have = device.allowedIps().prefixesOf(p);
            for (Prefix h : have) {
                if (!want.contains(h)) {
                    device.allowedIps().remove(h, p);
                }
            }
            for (Prefix w : want) {
                if (!have.contains(w)) {
                    device.allowedIps().insert(w, p);
                }
            }
        }
        for (Peer p : device.peers()) {
            if (!wanted.contains(p.publicKey())) {
                LOG.info("peer " + p.publicKey().shortString() + " left the netmap");
                device.removePeer(p.publicKey());
            }
        }
    }

    private static void updateEndpoint(Peer p, List<InetSocketAddress> reported, List<Prefix> localNetworks) {
        InetSocketAddress current = p.endpoint();
        if (current != null && reported.contains(current)) {
            return;
        }
        Instant hs = p.lastHandshake();
        if (current != null && hs != null && hs.isAfter(Instant.now().minus(TRUST_ROAMED))) {
            return; // WireGuard roaming found the peer somewhere the map does not know: keep it
        }
        InetSocketAddress best = choose(reported, localNetworks);
        if (best != null && !best.equals(current)) {
            p.setEndpoint(best);
        }
    }

    /** Prefers an endpoint on a network this host reaches directly, then the first one. */
    static InetSocketAddress choose(List<InetSocketAddress> reported, List<Prefix> localNetworks) {
        for (InetSocketAddress ep : reported) {
            for (Prefix net : localNetworks) {
                if (net.contains(ep.getAddress())) {
                    return ep;
                }
            }
        }
        return reported.isEmpty() ? null : reported.get(0);
    }
}
