package dev.tsj.daemon.wg;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Per-source-address token buckets for handshake messages under load (wireguard-go's
 * ratelimiter: 20 a second, bursts of 5). Used from the single handshake thread only.
 */
final class SourceRateLimiter {
    static final int PACKETS_PER_SECOND = 20;
    static final int PACKETS_BURSTABLE = 5;
    private static final long PACKET_COST = 1_000_000_000L / PACKETS_PER_SECOND;
    private static final long MAX_TOKENS = PACKET_COST * PACKETS_BURSTABLE;
    private static final long IDLE_EVICT = 1_000_000_000L;

    private static final class Bucket {
        long tokens = MAX_TOKENS;
        long last;
    }

    private final Map<InetAddress, Bucket> buckets = new HashMap<>();

    boolean allow(InetAddress source, long now) {
        Bucket b = buckets.get(source);
        if (b == null) {
            b = new Bucket();
            b.last = now;
            buckets.put(source, b);
        }
        b.tokens = Math.min(MAX_TOKENS, b.tokens + (now - b.last));
        b.last = now;
        if (b.tokens >= PACKET_COST) {
            b.tokens -= PACKET_COST;
            return true;
        }
        return false;
    }

    /** Forgets sources quiet for a second, so the map stays small. */
    void evictIdle(long now) {
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            if (now - it.next().last > IDLE_EVICT) {
                it.remove();
            }
        }
    }
}
