package dev.tsj.daemon.magic;

import dev.tsj.control.api.RelayNode;
import dev.tsj.control.stun.Stun;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Endpoint discovery: STUN binding requests from the WireGuard socket itself (so the
 * mapping learned is the one peers must use) to every relay's two STUN ports. Two
 * different mapped addresses mean the NAT maps per destination ("hard"). Re-runs every
 * 20-26 s and on demand (interfaces changed, netcheck).
 */
public final class StunProber {
    static final long MIN_INTERVAL_NANOS = 20_000_000_000L;
    static final long JITTER_NANOS = 6_000_000_000L;

    /** What the last round found. */
    public record Report(boolean udp, List<InetSocketAddress> mapped, boolean mappingVariesByDestination,
                         Map<String, Double> stunLatencyMillis) {}

    private record Probe(String target, InetSocketAddress to, long sentAt) {}

    private final MagicSock.UdpSender udp;
    private final Consumer<List<InetSocketAddress>> onMappedChanged;
    private final Map<String, Probe> pending = new ConcurrentHashMap<>();
    private final Map<String, InetSocketAddress> results = new ConcurrentHashMap<>();
    private final Map<String, Long> rtts = new ConcurrentHashMap<>();
    private volatile List<InetSocketAddress> lastMapped = List.of();
    private volatile long nextRound;
    private volatile long lastRound;

    public StunProber(MagicSock.UdpSender udp, Consumer<List<InetSocketAddress>> onMappedChanged) {
        this.udp = udp;
        this.onMappedChanged = onMappedChanged;
    }

    /** Sends a round if one is due; {@code force} sends now. */
    public void maybeProbe(List<RelayNode> relays, URI controlUrl, long now, boolean force) {
        if (!force && now - nextRound < 0) {
            return;
        }
        lastRound = now;
        nextRound = now + MIN_INTERVAL_NANOS + ThreadLocalRandom.current().nextLong(JITTER_NANOS);
        pending.clear();
        results.clear();
        for (RelayNode r : relays) {
            String host = r.resolveStunHost(controlUrl);
            if (host == null || host.isEmpty()) {
                continue;
            }
            InetAddress addr;
            try {
                addr = InetAddress.ofLiteral(host);
            } catch (IllegalArgumentException notLiteral) {
                continue; // relay maps carry literals; never resolve names on this path
            }
            int[] ports = {r.stunPort(), r.stunAltPort()};
            for (int i = 0; i < ports.length; i++) {
                if (ports[i] <= 0) {
                    continue;
                }
                byte[] tx = Stun.newTransactionId();
                String target = r.name() + (i == 0 ? "" : ":alt");
                InetSocketAddress to = new InetSocketAddress(addr, ports[i]);
                pending.put(java.util.HexFormat.of().formatHex(tx), new Probe(target, to, now));
                udp.send(to, Stun.bindingRequest(tx));
            }
        }
    }

    /** A datagram that may be a STUN response to one of our probes; true if taken. */
    public boolean onUdp(byte[] data, int len, long now) {
        if (!Stun.isStun(data, 0, len)) {
            return false;
        }
        Stun.BindingResponse r = Stun.parseBindingResponse(data, 0, len);
        if (r == null) {
            return true; // STUN, but nothing we asked for
        }
        Probe p = pending.remove(java.util.HexFormat.of().formatHex(r.transactionId()));
        if (p == null) {
            return true;
        }
        results.put(p.target(), r.mapped());
        rtts.put(p.target(), now - p.sentAt());
        List<InetSocketAddress> mapped = distinctMapped();
        if (!mapped.equals(lastMapped)) {
            lastMapped = mapped;
            onMappedChanged.accept(mapped);
        }
        return true;
    }

    private List<InetSocketAddress> distinctMapped() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetSocketAddress a : results.values()) {
            if (!out.contains(a)) {
                out.add(a);
            }
        }
        out.sort((x, y) -> x.toString().compareTo(y.toString()));
        return Collections.unmodifiableList(out);
    }

    public Report report() {
        Map<String, Double> lat = new LinkedHashMap<>();
        rtts.forEach((k, v) -> lat.put(k, v / 1e6));
        List<InetSocketAddress> mapped = distinctMapped();
        // One socket seen at two outside addresses: the NAT maps per destination.
        boolean varies = mapped.size() > 1;
        return new Report(!results.isEmpty(), mapped, varies, lat);
    }

    public List<InetSocketAddress> mapped() {
        return lastMapped;
    }
}
