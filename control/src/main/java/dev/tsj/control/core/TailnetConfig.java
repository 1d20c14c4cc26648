package dev.tsj.control.core;

import java.time.Duration;

/**
 * The settings of one tailnet.
 *
 * @param domain           DNS suffix of node names ({@code name.domain})
 * @param nodeKeyExpiry    lifetime of a user-owned node's key (tagged nodes never expire)
 * @param ephemeralTimeout how long an ephemeral node may stay offline before it is deleted
 * @param keepAlive        how often both ends of a map session speak when idle; a session
 *                         silent for 2.5 times this is dead
 * @param deltaInterval    the least time between two deltas to one session: changes that
 *                         arrive closer together go out in one message
 */
public record TailnetConfig(String domain, Duration nodeKeyExpiry, Duration ephemeralTimeout, Duration keepAlive,
                            Duration deltaInterval) {
    public static final String DEFAULT_DOMAIN = "tsj.internal";

    public static TailnetConfig defaults() {
        return new TailnetConfig(DEFAULT_DOMAIN, Duration.ofDays(180), Duration.ofMinutes(5), Duration.ofSeconds(5),
                Duration.ofMillis(100));
    }

    public TailnetConfig withEphemeralTimeout(Duration d) {
        return new TailnetConfig(domain, nodeKeyExpiry, d, keepAlive, deltaInterval);
    }

    public TailnetConfig withKeepAlive(Duration d) {
        return new TailnetConfig(domain, nodeKeyExpiry, ephemeralTimeout, d, deltaInterval);
    }

    public TailnetConfig withDomain(String d) {
        return new TailnetConfig(d, nodeKeyExpiry, ephemeralTimeout, keepAlive, deltaInterval);
    }

    public TailnetConfig withNodeKeyExpiry(Duration d) {
        return new TailnetConfig(domain, d, ephemeralTimeout, keepAlive, deltaInterval);
    }

    /** Silence after which a session is considered dead. */
    public Duration deadAfter() {
        return keepAlive.multipliedBy(5).dividedBy(2);
    }
}
