package dev.tsj.daemon.filter;

import java.security.SecureRandom;

/**
 * The flows this node opened, so their replies may come back in through a filter that
 * would not let them start: a fixed-size, lossy, open-addressing table of 64-bit flow
 * fingerprints with expiry times. No allocation and no lock per packet; a racing write
 * can lose an entry (the flow's next outbound packet puts it back). Fingerprints are a
 * keyed hash (random per process), so a remote party cannot aim collisions.
 */
final class FlowTable {
    static final int SLOTS = 1 << 16;
    private static final int PROBES = 4;

    private final long[] keys = new long[SLOTS];
    private final long[] expiry = new long[SLOTS];
    private final long seed = new SecureRandom().nextLong();

    long fingerprint(long a, long b, long c, long d, long e) {
        long h = seed;
        h = mix(h ^ a);
        h = mix(h ^ b);
        h = mix(h ^ c);
        h = mix(h ^ d);
        h = mix(h ^ e);
        return h == 0 ? 1 : h;
    }

    /** A 64-bit finaliser (SplitMix64's), strong enough for keyed fingerprints. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    void put(long key, long until) {
        int base = (int) key & (SLOTS - 1);
        int victim = base;
        long oldest = Long.MAX_VALUE;
        for (int i = 0; i < PROBES; i++) {
            int s = (base + i) & (SLOTS - 1);
            if (keys[s] == key) {
                if (expiry[s] < until) {
                    expiry[s] = until;
                }
                return;
            }
            if (expiry[s] < oldest) {
                oldest = expiry[s];
                victim = s;
            }
        }
        keys[victim] = key;
        expiry[victim] = until;
    }

    boolean contains(long key, long now) {
        int base = (int) key & (SLOTS - 1);
        for (int i = 0; i < PROBES; i++) {
            int s = (base + i) & (SLOTS - 1);
            if (keys[s] == key) {
                return expiry[s] - now > 0;
            }
        }
        return false;
    }
}
