package dev.tsj.daemon.magic;

import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.PublicKey;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The engine's view of how to reach peers by key (after Tailscale's magicsock): it owns
 * this process's disco key and each peer's {@link PeerPath}, answers and sends disco
 * messages on the WireGuard socket, sends call-me-maybe through the relay, and tells the
 * data path, per packet, whether a peer is reached directly (and where) or through the
 * relay.
 */
public final class MagicSock {
    private static final Logger LOG = Logger.getLogger(MagicSock.class.getName());

    /** Sends a datagram from the WireGuard socket. */
    public interface UdpSender {
        void send(InetSocketAddress to, byte[] data);
    }

    /** A peer as the netmap describes it. */
    public record PeerInfo(PublicKey nodeKey, PublicKey discoKey, List<InetSocketAddress> endpoints, int homeRelay) {}

    static final class State {
        final PublicKey nodeKey;
        final PeerPath path = new PeerPath();
        volatile PublicKey discoKey;
        volatile int homeRelay;

        State(PublicKey nodeKey) {
            this.nodeKey = nodeKey;
        }
    }

    private final DiscoCodec disco;
    private final PublicKey ourNodeKey;
    private final UdpSender udp;
    private final LongSupplier clock;
    private volatile RelayLink relay = RelayLink.NONE;
    private final Map<PublicKey, State> byNode = new ConcurrentHashMap<>();
    private final Map<PublicKey, State> byDisco = new ConcurrentHashMap<>();
    private volatile List<InetSocketAddress> ourEndpoints = List.of();
    public final LongAdder discoSent = new LongAdder();
    public final LongAdder discoReceived = new LongAdder();

    public MagicSock(PrivateKey discoKey, PublicKey ourNodeKey, UdpSender udp, LongSupplier clock) {
        this.disco = new DiscoCodec(discoKey);
        this.ourNodeKey = ourNodeKey;
        this.udp = udp;
        this.clock = clock;
    }

    public PublicKey discoPublicKey() {
        return disco.publicKey();
    }

    public DiscoCodec codec() {
        return disco;
    }

    public void setRelay(RelayLink relay) {
        this.relay = relay == null ? RelayLink.NONE : relay;
    }

    /** Our own candidate endpoints (interfaces and STUN-mapped), sent in call-me-maybe. */
    public void setOurEndpoints(List<InetSocketAddress> endpoints) {
        ourEndpoints = List.copyOf(endpoints);
    }

    /** Replaces the peer set from a netmap. */
    public void setPeers(List<PeerInfo> peers) {
        java.util.Set<PublicKey> keep = new java.util.HashSet<>();
        for (PeerInfo p : peers) {
            keep.add(p.nodeKey());
            State s = byNode.computeIfAbsent(p.nodeKey(), State::new);
            if (s.discoKey != null && !s.discoKey.equals(p.discoKey())) {
                byDisco.remove(s.discoKey);
                s.path.forgetDirect(); // a restarted peer: its old proofs mean nothing
            }
            s.discoKey = p.discoKey();
            if (p.discoKey() != null) {
                byDisco.put(p.discoKey(), s);
            }
            s.homeRelay = p.homeRelay();
            s.path.setReportedEndpoints(p.endpoints());
        }
        byNode.keySet().removeIf(k -> {
            if (keep.contains(k)) {
                return false;
            }
            State s = byNode.get(k);
            if (s != null && s.discoKey != null) {
                byDisco.remove(s.discoKey);
            }
            return true;
        });
    }

    /** The direct address to use for this peer now, or null: send through the relay. */
    public InetSocketAddress direct(PublicKey nodeKey) {
        State s = byNode.get(nodeKey);
        return s == null ? null : s.path.direct();
    }

    /** Whether the peer can be reached at all this way (it has a relay or a candidate). */
    public boolean knows(PublicKey nodeKey) {
        return byNode.containsKey(nodeKey);
    }

    /** Per-packet note that traffic flows with this peer (sent or received). */
    public void noteTraffic(PublicKey nodeKey) {
        State s = byNode.get(nodeKey);
        if (s != null) {
            s.path.noteTraffic(clock.getAsLong());
        }
    }

    /** Sends a WireGuard message to the peer through the relay. */
    public boolean sendViaRelay(PublicKey nodeKey, byte[] data, int off, int len) {
        int region = relayFor(nodeKey);
        return region != 0 && relay.send(region, nodeKey, data, off, len);
    }

    /** The relay region that reaches the peer: its home relay, else ours (0: none). */
    public int relayFor(PublicKey nodeKey) {
        State s = byNode.get(nodeKey);
        return s != null && s.homeRelay != 0 ? s.homeRelay : relay.homeRelay();
    }

    /** Whether a relay connection to reach the peer is up. */
    public boolean relayUp(PublicKey nodeKey) {
        int region = relayFor(nodeKey);
        return region != 0 && relay.connected(region);
    }

    public PeerPath path(PublicKey nodeKey) {
        State s = byNode.get(nodeKey);
        return s == null ? null : s.path;
    }

    /** Periodic work: heartbeats and probes for every peer. */
    public void tick() {
        long now = clock.getAsLong();
        for (State s : byNode.values()) {
            if (s.discoKey != null) {
                carryOut(s, s.path.tick(now));
            }
        }
    }

    /** A disco packet from the WireGuard socket; false if it was not one of ours. */
    public boolean onUdp(byte[] data, int len, InetSocketAddress from) {
        if (!DiscoCodec.looksLikeDisco(data, len)) {
            return false;
        }
        handle(data, len, from, null);
        return true;
    }

    /** A packet that came through the relay from {@code src}: disco handled here; false means WireGuard. */
    public boolean onRelayDisco(PublicKey src, byte[] data, int len) {
        if (!DiscoCodec.looksLikeDisco(data, len)) {
            return false;
        }
        handle(data, len, null, src);
        return true;
    }

    private void handle(byte[] data, int len, InetSocketAddress from, PublicKey viaRelayFrom) {
        DiscoCodec.Opened o = disco.open(data, len, byDisco::containsKey);
        if (o == null) {
            return;
        }
        discoReceived.increment();
        State s = byDisco.get(o.sender());
        if (s == null) {
            return;
        }
        long now = clock.getAsLong();
        switch (o.message()) {
            case DiscoMessage.Ping p -> {
                if (from == null || !p.nodeKey().equals(s.nodeKey)) {
                    return; // pings travel over UDP, and must name the peer that owns the disco key
                }
                carryOut(s, s.path.onPing(from, p.txid(), now));
            }
            case DiscoMessage.Pong p -> {
                if (from != null && s.path.onPong(from, p.txid(), now)) {
                    LOG.fine(() -> "peer " + s.nodeKey.shortString() + ": direct path " + from + " confirmed");
                }
            }
            case DiscoMessage.CallMeMaybe c -> carryOut(s, s.path.onCallMeMaybe(c.endpoints(), now));
        }
    }

    private void carryOut(State s, List<PeerPath.Action> actions) {
        PublicKey dk = s.discoKey;
        if (dk == null) {
            return;
        }
        for (PeerPath.Action a : actions) {
            switch (a) {
                case PeerPath.Action.Ping p -> sendUdp(p.to(), disco.seal(dk, new DiscoMessage.Ping(p.txid(), ourNodeKey)));
                case PeerPath.Action.Pong p -> sendUdp(p.to(), disco.seal(dk, new DiscoMessage.Pong(p.txid(), p.observed())));
                case PeerPath.Action.CallMeMaybe c -> {
                    List<InetSocketAddress> eps = new ArrayList<>(ourEndpoints);
                    if (!eps.isEmpty()) {
                        byte[] msg = disco.seal(dk, new DiscoMessage.CallMeMaybe(eps));
                        if (sendViaRelay(s.nodeKey, msg, 0, msg.length)) {
                            discoSent.increment();
                        }
                    }
                }
            }
        }
    }

    private void sendUdp(InetSocketAddress to, byte[] msg) {
        udp.send(to, msg);
        discoSent.increment();
    }
}
