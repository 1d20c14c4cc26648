package dev.tsj.control.admin;

import java.time.Instant;
import java.util.List;

/** A node as admin commands list it. */
public record NodeInfo(long id, String name, String hostname, String user, List<String> tags, String ipv4,
                       String ipv6, boolean online, Instant lastSeen, Instant keyExpiry, boolean expired,
                       boolean ephemeral, String nodeKey, List<String> endpoints, List<String> routes) {}
