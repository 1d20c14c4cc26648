package dev.tsj.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Two hosts joined by a veth pair, each running a WireGuard implementation, peered with
 * each other. Underlay 198.18.0.0/24 and 2001:db8::/64; tunnel 100.64.0.0/24 and
 * fd7a:115c:a1e0::/64. Names derive from a short tag: namespaces {@code it-TAG-a/b},
 * veths {@code it-TAG-a0/b0}, interfaces {@code itTAGa/b}.
 */
final class WgPair implements AutoCloseable {
    static final String A_UNDERLAY4 = "198.18.0.1";
    static final String B_UNDERLAY4 = "198.18.0.2";
    /** Where B moves to when it roams: the same link, another address. */
    static final String B_ROAMED4 = "198.18.0.3";
    static final String A_UNDERLAY6 = "2001:db8::1";
    static final String B_UNDERLAY6 = "2001:db8::2";
    static final String A_TUNNEL4 = "100.64.0.1";
    static final String B_TUNNEL4 = "100.64.0.2";
    static final String A_TUNNEL6 = "fd7a:115c:a1e0::1";
    static final String B_TUNNEL6 = "fd7a:115c:a1e0::2";
    static final int A_PORT = 51820;
    static final int B_PORT = 51821;
    static final Duration HANDSHAKE_DEADLINE = Duration.ofSeconds(12);

    final String tag;
    final Netns nsA;
    final Netns nsB;
    final String linkA;
    final String linkB;
    final WgNode a;
    final WgNode b;
    final Path logDir;

    private WgPair(String tag, Netns nsA, Netns nsB, WgNode a, WgNode b, Path logDir) {
        this.tag = tag;
        this.nsA = nsA;
        this.nsB = nsB;
        this.linkA = "it-" + tag + "-a0";
        this.linkB = "it-" + tag + "-b0";
        this.a = a;
        this.b = b;
        this.logDir = logDir;
    }

    /** Builds the pair; on failure removes whatever it had created. */
    static WgPair create(String tag, Implementation implA, boolean offloadsA, Implementation implB, boolean offloadsB, Path logDir) {
        Netns nsA = null;
        Netns nsB = null;
        WgNode a = null;
        WgNode b = null;
        try {
            nsA = Netns.create("it-" + tag + "-a");
            nsB = Netns.create("it-" + tag + "-b");
            String linkA = "it-" + tag + "-a0";
            String linkB = "it-" + tag + "-b0";
            nsA.vethTo(linkA, nsB, linkB);
            // Deleting B's primary address when it roams must not take the new one with it.
            nsB.run("sysctl", "-q", "-w", "net.ipv4.conf." + linkB + ".promote_secondaries=1");
            nsA.addAddress(linkA, A_UNDERLAY4 + "/24");
            nsB.addAddress(linkB, B_UNDERLAY4 + "/24");
            nsA.addAddress(linkA, A_UNDERLAY6 + "/64");
            nsB.addAddress(linkB, B_UNDERLAY6 + "/64");
            a = WgNode.start(implA, nsA, "it" + tag + "a", A_PORT, offloadsA, logDir);
            b = WgNode.start(implB, nsB, "it" + tag + "b", B_PORT, offloadsB, logDir);
            a.addTunnelAddresses(A_TUNNEL4 + "/24", A_TUNNEL6 + "/64");
            b.addTunnelAddresses(B_TUNNEL4 + "/24", B_TUNNEL6 + "/64");
            return new WgPair(tag, nsA, nsB, a, b, logDir);
        } catch (RuntimeException | Error e) {
            for (AutoCloseable c : new AutoCloseable[] {a, b, nsA, nsB}) {
                closeQuietly(c);
            }
            throw e;
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // best effort while already failing
        }
    }

    WgNode other(WgNode n) {
        return n == a ? b : a;
    }

    String underlay4(WgNode n) {
        return n == a ? A_UNDERLAY4 : B_UNDERLAY4;
    }

    String underlay6(WgNode n) {
        return n == a ? A_UNDERLAY6 : B_UNDERLAY6;
    }

    String tunnel4(WgNode n) {
        return n == a ? A_TUNNEL4 : B_TUNNEL4;
    }

    String tunnel6(WgNode n) {
        return n == a ? A_TUNNEL6 : B_TUNNEL6;
    }

    /** The endpoint string {@code wg} prints and takes for {@code n}: address:port or [v6]:port. */
    String endpoint(WgNode n, boolean ipv6) {
        return ipv6 ? "[" + underlay6(n) + "]:" + n.listenPort : underlay4(n) + ":" + n.listenPort;
    }

    /** What {@code n}'s peer entry for the other node allows: the other's tunnel addresses. */
    List<String> allowedIpsAt(WgNode n) {
        WgNode o = other(n);
        return List.of(tunnel4(o) + "/32", tunnel6(o) + "/128");
    }

    /**
     * Peers the two afresh: existing peer entries, and with them their sessions, are removed
     * first. Only {@code initiator} learns the other's endpoint, so the first handshake can
     * only come from it; the responder learns the endpoint from that handshake.
     */
    void peerFresh(WgNode initiator, String presharedKey, boolean ipv6Underlay) {
        WgNode responder = other(initiator);
        removePeers();
        initiator.setPeer(new PeerSpec(responder.publicKey(), presharedKey, endpoint(responder, ipv6Underlay), 0, allowedIpsAt(initiator)));
        responder.setPeer(new PeerSpec(initiator.publicKey(), presharedKey, null, 0, allowedIpsAt(responder)));
    }

    /** Peers the two afresh, each knowing the other's endpoint, as a static configuration does. */
    void peerBothKnown(String presharedKey, boolean ipv6Underlay) {
        removePeers();
        for (WgNode n : List.of(a, b)) {
            WgNode o = other(n);
            n.setPeer(new PeerSpec(o.publicKey(), presharedKey, endpoint(o, ipv6Underlay), 0, allowedIpsAt(n)));
        }
    }

    private void removePeers() {
        for (WgNode n : List.of(a, b)) {
            if (n.dump().peer(other(n).publicKey()).isPresent()) {
                n.removePeer(other(n).publicKey());
            }
        }
    }

    /** Pings {@code to}'s tunnel address from {@code from}; fails unless every echo is answered. */
    Ping assertPings(WgNode from, boolean ipv6, int count) {
        String target = ipv6 ? tunnel6(other(from)) : tunnel4(other(from));
        Ping p = Ping.run(from.ns, target, count, HANDSHAKE_DEADLINE);
        if (!p.allReplied()) {
            throw new AssertionError(from.implementation.label + " " + from.interfaceName + " -> " + target + ": "
                    + p.received() + " replies to " + p.transmitted() + " echoes, " + p.requested() + " wanted\n" + p + "\n" + diagnostics());
        }
        return p;
    }

    /** iperf3 with its server at {@code server}'s tunnel address and its client at the other node. */
    Iperf iperf(WgNode server, boolean ipv6) {
        return new Iperf(server.ns, ipv6 ? tunnel6(server) : tunnel4(server), other(server).ns, Iperf.DEFAULT_PORT, logDir, this::diagnostics);
    }

    /**
     * Sends {@code mebibytes} MiB by iperf3 TCP from {@code sender} to the other node (client
     * at A, server at B, {@code -R} when B sends), then checks that both nodes' WireGuard
     * counters show all of it crossed the tunnel.
     */
    IperfResult transfer(WgNode sender, boolean ipv6, int mebibytes, Duration timeout) {
        WgNode receiver = other(sender);
        long amount = (long) mebibytes << 20;
        long tx0 = sender.dump().requirePeer(receiver.publicKey()).txBytes();
        long rx0 = receiver.dump().requirePeer(sender.publicKey()).rxBytes();
        String label = describe() + ", " + sender.interfaceName + " -> " + receiver.interfaceName + (ipv6 ? " over IPv6" : "");
        IperfResult r = iperf(b, ipv6).transfer(label, mebibytes, sender == b, timeout);
        long sent = sender.dump().requirePeer(receiver.publicKey()).txBytes() - tx0;
        if (sent < amount) {
            throw new AssertionError(label + ": the sender's tx counter grew by " + sent + " bytes, less than the " + amount + " sent\n" + diagnostics());
        }
        Poll.until(Duration.ofSeconds(10), label + ": the receiver's rx counter to show all " + amount + " bytes", this::diagnostics,
                () -> receiver.dump().requirePeer(sender.publicKey()).rxBytes() - rx0 >= amount);
        return r;
    }

    String describe() {
        return a.implementation.label + (a.offloads ? "" : " (no offloads)") + " <-> "
                + b.implementation.label + (b.implementation == Implementation.TSJ && !b.offloads ? " (no offloads)" : "");
    }

    String diagnostics() {
        return a.diagnostics() + b.diagnostics();
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {a, b, nsA, nsB}) {
            closeQuietly(c);
        }
    }
}
