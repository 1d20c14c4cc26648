package dev.tsj.tun.netstack;

/** The retransmission timeout of RFC 6298: SRTT and RTTVAR from samples, binary backoff. */
final class RtoEstimator {
    /** RFC 6298 section 2: clock granularity G; the loop clock is nanoseconds, 1 ms keeps RTO sane. */
    private static final long CLOCK_GRANULARITY = 1_000_000L;

    private final long minRto;
    private final long maxRto;
    private long srtt;
    private long rttvar;
    private long base;
    private int backoff;
    private boolean sampled;

    RtoEstimator(long initialRto, long minRto, long maxRto) {
        this.minRto = minRto;
        this.maxRto = maxRto;
        this.base = initialRto;
    }

    /** Feeds one round-trip measurement (never from a retransmitted segment: Karn's rule). */
    void sample(long rtt) {
        if (!sampled) {
            srtt = rtt;
            rttvar = rtt / 2;
            sampled = true;
        } else {
            // RFC 6298 (2.3): beta = 1/4, alpha = 1/8.
            rttvar = (3 * rttvar + Math.abs(srtt - rtt)) / 4;
            srtt = (7 * srtt + rtt) / 8;
        }
        base = Math.clamp(srtt + Math.max(CLOCK_GRANULARITY, 4 * rttvar), minRto, maxRto);
        backoff = 0;
    }

    /** The timeout to arm now, backoff included. */
    long rto() {
        return Math.min(maxRto, base << Math.min(backoff, 30));
    }

    /** RFC 6298 (5.5): double the timeout after it expires. */
    void backOff() {
        if (rto() < maxRto) backoff++;
    }

    long srtt() {
        return sampled ? srtt : -1;
    }

    long rttvar() {
        return rttvar;
    }
}
