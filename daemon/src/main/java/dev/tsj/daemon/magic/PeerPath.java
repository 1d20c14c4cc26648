package dev.tsj.daemon.magic;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How to reach one peer: over a direct UDP path that a disco pong has proved recently, or
 * through the relay. Pure logic on an explicit clock; the caller carries out the
 * {@link Action}s (send a ping, a pong, a call-me-maybe over the relay).
 *
 * <p>Traffic starts over the relay at once; both sides ping every candidate (and each
 * other's call-me-maybe lists) and a pong moves traffic to the direct path. While traffic
 * flows the direct path is kept by heartbeats; when they stop being answered (UDP
 * blocked, NAT mapping gone) the trust lapses within {@link #TRUST_NANOS} and traffic
 * falls back to the relay, while probing goes on (every {@link #PROBE_ACTIVE_NANOS} while
 * active, at least every {@link #PROBE_IDLE_NANOS} while idle) to go direct again.
 */
public final class PeerPath {
    /** A pong keeps a path trusted this long (Tailscale uses 6.5 s; tsj must fall back within 5 s). */
    public static final long TRUST_NANOS = 4_500_000_000L;
    /** Heartbeat pings on the trusted path while traffic flows. */
    public static final long HEARTBEAT_NANOS = 1_500_000_000L;
    /** Re-probe interval while relayed with traffic flowing. */
    public static final long PROBE_ACTIVE_NANOS = 5_000_000_000L;
    /** Re-probe interval while relayed and idle. */
    public static final long PROBE_IDLE_NANOS = 60_000_000_000L;
    /** Traffic within this window counts as "flowing". */
    public static final long ACTIVE_NANOS = 10_000_000_000L;
    /** Pings older than this are forgotten. */
    public static final long PING_TIMEOUT_NANOS = 5_000_000_000L;
    static final int MAX_CANDIDATES = 64;

    /** Something the owner must send. */
    public sealed interface Action {
        record Ping(InetSocketAddress to, byte[] txid) implements Action {}

        record Pong(InetSocketAddress to, byte[] txid, InetSocketAddress observed) implements Action {}

        /** Tell the peer (over the relay) to ping our candidates now. */
        record CallMeMaybe() implements Action {}
    }

    private record Pending(InetSocketAddress to, long sentAt) {}

    private final SecureRandom random = new SecureRandom();
    private final Set<InetSocketAddress> candidates = new LinkedHashSet<>();
    private final Map<String, Pending> pending = new HashMap<>();
    private InetSocketAddress best;
    private long bestLatency = Long.MAX_VALUE;
    private long trustedUntil;
    private long lastHeartbeat;
    private long lastProbe = Long.MIN_VALUE / 2;
    private volatile long lastTraffic = Long.MIN_VALUE / 2;
    private volatile InetSocketAddress directNow;

    /** The direct path to use now, or null for the relay. Lock-free: called per packet. */
    public InetSocketAddress direct() {
        return directNow;
    }

    /** Packets were sent to or received from this peer (keeps heartbeats going). */
    public void noteTraffic(long now) {
        lastTraffic = now;
    }

    /** The endpoints the control server reports for the peer (replacing the previous report). */
    public synchronized void setReportedEndpoints(List<InetSocketAddress> endpoints) {
        candidates.retainAll(endpoints); // learned ones re-enter through pings
        for (InetSocketAddress e : endpoints) {
            addCandidate(e);
        }
    }

    private void addCandidate(InetSocketAddress e) {
        if (candidates.size() < MAX_CANDIDATES) {
            candidates.add(e);
        }
    }

    public synchronized List<InetSocketAddress> candidates() {
        return new ArrayList<>(candidates);
    }

    public synchronized InetSocketAddress best() {
        return best;
    }

    public synchronized boolean trusted(long now) {
        return best != null && now - trustedUntil < 0;
    }

    /** Latency of the trusted path in nanoseconds, or -1. */
    public synchronized long latency() {
        return best == null ? -1 : bestLatency;
    }

    /** Periodic work; call every few hundred milliseconds and on first traffic. */
    public synchronized List<Action> tick(long now) {
        expirePings(now);
        refreshDirect(now);
        List<Action> out = new ArrayList<>();
        boolean active = now - lastTraffic < ACTIVE_NANOS;
        if (trusted(now)) {
            if (active && now - lastHeartbeat >= HEARTBEAT_NANOS) {
                lastHeartbeat = now;
                out.add(ping(best, now));
            }
            return out;
        }
        long interval = active ? PROBE_ACTIVE_NANOS : PROBE_IDLE_NANOS;
        if (now - lastProbe >= interval && !candidates.isEmpty()) {
            lastProbe = now;
            for (InetSocketAddress c : candidates) {
                out.add(ping(c, now));
            }
            out.add(new Action.CallMeMaybe());
        }
        return out;
    }

    /** Starts a full probe at once (first packet to a peer, or a call-me-maybe). */
    public synchronized List<Action> probeNow(long now) {
        lastProbe = Long.MIN_VALUE / 2;
        lastTraffic = now;
        return tick(now);
    }

    private Action.Ping ping(InetSocketAddress to, long now) {
        byte[] txid = new byte[DiscoMessage.TXID_SIZE];
        random.nextBytes(txid);
        pending.put(Arrays.toString(txid), new Pending(to, now));
        return new Action.Ping(to, txid);
    }

    private void expirePings(long now) {
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            if (now - it.next().sentAt() > PING_TIMEOUT_NANOS) {
                it.remove();
            }
        }
    }

    private void refreshDirect(long now) {
        directNow = trusted(now) ? best : null;
    }

    /**
     * A ping from the peer arrived from {@code from}: answer it there, and if that source
     * was not a candidate (the peer's NAT picked a new port for us), learn it and ping it.
     */
    public synchronized List<Action> onPing(InetSocketAddress from, byte[] txid, long now) {
        List<Action> out = new ArrayList<>();
        out.add(new Action.Pong(from, txid, from));
        if (!candidates.contains(from)) {
            addCandidate(from);
            out.add(ping(from, now));
        }
        return out;
    }

    /** A pong from {@code from}; true if it proved a path (and maybe moved traffic to it). */
    public synchronized boolean onPong(InetSocketAddress from, byte[] txid, long now) {
        Pending p = pending.get(Arrays.toString(txid));
        if (p == null || !p.to().equals(from)) {
            return false; // a pong must come from where its ping went
        }
        pending.remove(Arrays.toString(txid));
        long rtt = Math.max(1, now - p.sentAt());
        boolean better = best == null || !trusted(now) || from.equals(best)
                || rtt < bestLatency * 2 / 3; // hysteresis: switch only for a clearly faster path
        if (better) {
            // The same path again: smooth its latency; a new path: take the new sample.
            bestLatency = from.equals(best) && bestLatency != Long.MAX_VALUE ? (bestLatency + rtt) / 2 : rtt;
            best = from;
            trustedUntil = now + TRUST_NANOS;
            lastHeartbeat = now;
        }
        addCandidate(from);
        refreshDirect(now);
        return true;
    }

    /** The peer's candidates from a call-me-maybe: learn them and ping them all now. */
    public synchronized List<Action> onCallMeMaybe(List<InetSocketAddress> endpoints, long now) {
        List<Action> out = new ArrayList<>();
        for (InetSocketAddress e : endpoints) {
            addCandidate(e);
        }
        if (!trusted(now)) {
            for (InetSocketAddress e : candidates) {
                out.add(ping(e, now));
            }
        }
        return out;
    }

    /** Drops trust in the direct path (e.g. the OS reported the route gone). */
    public synchronized void forgetDirect() {
        trustedUntil = 0;
        directNow = null;
    }
}
