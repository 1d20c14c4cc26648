package dev.tsj.daemon.magic;

import dev.tsj.control.api.RelayNode;
import dev.tsj.control.relay.client.RelayClient;
import dev.tsj.control.relay.client.RelayClientOptions;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.PublicKey;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.logging.Logger;

/**
 * The node's relay connections: one per relay region in the netmap (tailnets have a
 * handful), each proving the node key, reconnecting by itself. The home relay, the one
 * peers use to reach us, is the lowest-latency region, changed only for a clearly better
 * one (hysteresis) so peers' routes do not flap.
 */
public final class RelayManager implements RelayLink, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RelayManager.class.getName());
    /** A new home must be this much faster (ratio) than the current one. */
    static final double SWITCH_RATIO = 0.6;

    /** Where relayed packets go: disco to the path manager, WireGuard to the device. */
    public interface Receiver {
        void onRelayPacket(PublicKey src, byte[] buf, int off, int len);
    }

    private record Region(RelayNode node, RelayClient client) {}

    private final PrivateKey nodeKey;
    private final Receiver receiver;
    private final IntConsumer onHomeChanged;
    private final Map<Integer, Region> regions = new ConcurrentHashMap<>();
    private final Map<Integer, Long> latencyNanos = new ConcurrentHashMap<>();
    private volatile int home;

    public RelayManager(PrivateKey nodeKey, Receiver receiver, IntConsumer onHomeChanged) {
        this.nodeKey = nodeKey;
        this.receiver = receiver;
        this.onHomeChanged = onHomeChanged;
    }

    /** Connects to the relays of a netmap (URLs relative to the control server), drops others. */
    public synchronized void setRelays(List<RelayNode> relays, URI controlUrl) {
        Map<Integer, RelayNode> want = new HashMap<>();
        for (RelayNode r : relays) {
            want.put(r.regionId(), r);
        }
        for (Integer id : List.copyOf(regions.keySet())) {
            Region cur = regions.get(id);
            RelayNode w = want.get(id);
            if (w == null || !w.equals(cur.node())) {
                cur.client().close();
                regions.remove(id);
                latencyNanos.remove(id);
            }
        }
        for (RelayNode r : want.values()) {
            if (!regions.containsKey(r.regionId())) {
                RelayClientOptions opts = RelayClientOptions.defaults();
                if (r.publicKey() != null) {
                    opts = opts.withExpectedRelayKey(r.publicKey());
                }
                RelayClient c = RelayClient.start(r.resolveUrl(controlUrl), nodeKey, new RelayClient.Listener() {
                    @Override
                    public void onPacket(PublicKey src, byte[] buf, int off, int len) {
                        receiver.onRelayPacket(src, buf, off, len);
                    }
                }, opts);
                regions.put(r.regionId(), new Region(r, c));
                LOG.info("relay \"" + r.name() + "\" (region " + r.regionId() + ") at " + r.resolveUrl(controlUrl));
            }
        }
        if (home != 0 && !regions.containsKey(home)) {
            setHome(0);
        }
        if (home == 0 && regions.size() == 1) {
            setHome(regions.keySet().iterator().next()); // one relay: no need to measure first
        }
    }

    /** Measures every relay's round trip and moves home if another is clearly faster. */
    public void measure() {
        for (Map.Entry<Integer, Region> e : regions.entrySet()) {
            if (!e.getValue().client().isConnected()) {
                continue;
            }
            try {
                Duration rtt = e.getValue().client().ping().get(2, TimeUnit.SECONDS);
                latencyNanos.merge(e.getKey(), rtt.toNanos(), (old, now) -> (old + now) / 2);
            } catch (Exception timeout) {
                latencyNanos.remove(e.getKey());
            }
        }
        int best = 0;
        long bestRtt = Long.MAX_VALUE;
        for (Map.Entry<Integer, Long> e : latencyNanos.entrySet()) {
            if (e.getValue() < bestRtt) {
                best = e.getKey();
                bestRtt = e.getValue();
            }
        }
        Long current = latencyNanos.get(home);
        if (best != 0 && best != home && (current == null || bestRtt < current * SWITCH_RATIO)) {
            setHome(best);
        }
    }

    private void setHome(int region) {
        if (region == home) {
            return;
        }
        home = region;
        Region r = regions.get(region);
        LOG.info(region == 0 ? "no home relay" : "home relay is now \"" + r.node().name() + "\" (region " + region + ")");
        onHomeChanged.accept(region);
    }

    @Override
    public boolean send(int region, PublicKey dst, byte[] packet, int off, int len) {
        Region r = regions.get(region);
        return r != null && r.client().send(dst, packet, off, len);
    }

    @Override
    public boolean connected(int region) {
        Region r = regions.get(region);
        return r != null && r.client().isConnected();
    }

    @Override
    public int homeRelay() {
        return home;
    }

    /** A relay's name for status ("" if unknown). */
    public String name(int region) {
        Region r = regions.get(region);
        return r == null ? "" : r.node().name();
    }

    /** Latency to each relay in milliseconds (connected ones), for netcheck. */
    public Map<String, Double> latenciesMillis() {
        Map<String, Double> out = new java.util.TreeMap<>();
        for (Map.Entry<Integer, Region> e : regions.entrySet()) {
            Long l = latencyNanos.get(e.getKey());
            out.put(e.getValue().node().name(), l == null ? -1.0 : l / 1e6);
        }
        return out;
    }

    /** Each relay connection's counters (packets, bytes, drops), by relay name, for netcheck. */
    public Map<String, dev.tsj.control.relay.client.RelayClientStatus> connections() {
        Map<String, dev.tsj.control.relay.client.RelayClientStatus> out = new java.util.TreeMap<>();
        for (Region r : regions.values()) {
            out.put(r.node().name(), r.client().status());
        }
        return out;
    }

    public List<RelayNode> relays() {
        return regions.values().stream().map(Region::node).toList();
    }

    @Override
    public synchronized void close() {
        for (Region r : regions.values()) {
            r.client().close();
        }
        regions.clear();
    }
}
