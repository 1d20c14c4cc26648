package dev.tsj.daemon.magic;

import dev.tsj.control.api.NetMap;
import dev.tsj.control.api.Node;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.PublicKey;
import dev.tsj.daemon.wg.Device;
import dev.tsj.daemon.wg.PathProvider;
import dev.tsj.daemon.wg.Peer;
import dev.tsj.daemon.wg.RelayedFrom;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * NAT traversal for one node, as the WireGuard device sees it ({@link PathProvider}):
 * disco and the per-peer paths ({@link MagicSock}), the relay connections
 * ({@link RelayManager}) and STUN ({@link StunProber}), all on the device's one UDP
 * socket, plus a timer that drives heartbeats, probes, re-STUN and home-relay choice.
 */
public final class MagicPaths implements PathProvider, RelayManager.Receiver, AutoCloseable {
    static final long TICK_MILLIS = 250;
    static final long MEASURE_RELAYS_SECONDS = 30;

    private final Device device;
    private final MagicSock magic;
    private final RelayManager relays;
    private final StunProber stun;
    private final Consumer<List<InetSocketAddress>> onEndpoints;
    private final ScheduledExecutorService timer;
    private volatile URI controlUrl;
    private volatile List<InetSocketAddress> local = List.of();
    private volatile List<InetSocketAddress> announced = List.of();

    /**
     * @param onEndpoints called when the node's candidate endpoints change (report them)
     * @param onHomeRelay called when the home relay changes (report it)
     */
    public MagicPaths(Device device, PrivateKey nodeKey, Consumer<List<InetSocketAddress>> onEndpoints, IntConsumer onHomeRelay) {
        this.device = device;
        this.onEndpoints = onEndpoints;
        this.magic = new MagicSock(PrivateKey.generate(), nodeKey.publicKey(), device::sendUdp, System::nanoTime);
        this.relays = new RelayManager(nodeKey, this, onHomeRelay);
        this.magic.setRelay(relays);
        this.stun = new StunProber(device::sendUdp, mapped -> refreshEndpoints());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "magic-paths");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(relays::measure, 2, MEASURE_RELAYS_SECONDS, TimeUnit.SECONDS);
    }

    public PublicKey discoKey() {
        return magic.discoPublicKey();
    }

    private void tick() {
        try {
            magic.tick();
            URI url = controlUrl;
            if (url != null) {
                stun.maybeProbe(relays.relays(), url, System.nanoTime(), false);
            }
        } catch (RuntimeException e) {
            java.util.logging.Logger.getLogger(MagicPaths.class.getName()).warning("path manager: " + e);
        }
    }

    /** Takes a netmap: relays to connect to, peers' disco keys, endpoints and home relays. */
    public void setNetMap(NetMap map, URI control, List<InetSocketAddress> localEndpoints) {
        controlUrl = control;
        local = List.copyOf(localEndpoints);
        relays.setRelays(map.relays(), control);
        List<MagicSock.PeerInfo> peers = new ArrayList<>();
        for (Node n : map.peers()) {
            if (n.nodeKey() != null) {
                peers.add(new MagicSock.PeerInfo(n.nodeKey(), n.discoKey(), n.endpoints(),
                        n.homeRelay() == null ? 0 : n.homeRelay()));
            }
        }
        magic.setPeers(peers);
        refreshEndpoints();
    }

    /** Our candidates: interface addresses, then what STUN saw from outside. */
    private void refreshEndpoints() {
        List<InetSocketAddress> all = new ArrayList<>(local);
        for (InetSocketAddress m : stun.mapped()) {
            if (!all.contains(m)) {
                all.add(m);
            }
        }
        magic.setOurEndpoints(all);
        if (!all.equals(announced)) {
            announced = List.copyOf(all);
            onEndpoints.accept(announced);
        }
    }

    /** Probes STUN now (netcheck) and returns after {@code waitMillis} with what came back. */
    public StunProber.Report netcheck(long waitMillis) throws InterruptedException {
        URI url = controlUrl;
        if (url != null) {
            stun.maybeProbe(relays.relays(), url, System.nanoTime(), true);
        }
        relays.measure();
        Thread.sleep(waitMillis);
        return stun.report();
    }

    public java.util.Map<String, Double> relayLatencies() {
        return relays.latenciesMillis();
    }

    public java.util.Map<String, dev.tsj.control.relay.client.RelayClientStatus> relayConnections() {
        return relays.connections();
    }

    public String homeRelayName() {
        return relays.name(relays.homeRelay());
    }

    /** The relay's name reaching this peer, for status. */
    public String relayName(PublicKey peer) {
        return relays.name(magic.relayFor(peer));
    }

    public PeerPath path(PublicKey peer) {
        return magic.path(peer);
    }

    public MagicSock magic() {
        return magic;
    }

    // ---- PathProvider ----

    @Override
    public InetSocketAddress direct(Peer peer) {
        return magic.direct(peer.publicKey());
    }

    @Override
    public boolean relayAvailable(Peer peer) {
        return magic.relayUp(peer.publicKey());
    }

    @Override
    public boolean sendViaRelay(PublicKey peer, byte[] data, int off, int len) {
        return magic.sendViaRelay(peer, data, off, len);
    }

    @Override
    public boolean intercept(ByteBuffer slot, int len, InetSocketAddress from) {
        if (from instanceof RelayedFrom || !slot.hasArray()) {
            return false;
        }
        byte[] data = slot.array();
        return magic.onUdp(data, len, from) || stun.onUdp(data, len, System.nanoTime());
    }

    @Override
    public void noteTraffic(Peer peer) {
        magic.noteTraffic(peer.publicKey());
    }

    // ---- RelayManager.Receiver ----

    @Override
    public void onRelayPacket(PublicKey src, byte[] buf, int off, int len) {
        byte[] data = off == 0 ? buf : java.util.Arrays.copyOfRange(buf, off, off + len);
        if (!magic.onRelayDisco(src, data, len)) {
            device.receiveRelayed(src, buf, off, len);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        relays.close();
    }
}
