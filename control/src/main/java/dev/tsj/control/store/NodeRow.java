package dev.tsj.control.store;

import dev.tsj.control.api.Hostinfo;
import dev.tsj.crypto.PublicKey;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;

/**
 * A node as stored. One per machine key: a machine that logs in again keeps its row, and
 * with it its id, addresses and name.
 *
 * @param hostname        what the node last reported as its hostname
 * @param givenName       its unique DNS label in the tailnet
 * @param givenNameByAdmin whether an administrator set {@code givenName} (then the
 *                        node's own hostname changes no longer rename it)
 * @param keyExpiry       null: never expires
 * @param lastSeen        when it last connected or disconnected
 */
public record NodeRow(long id, String stableId, PublicKey machineKey, PublicKey nodeKey, PublicKey discoKey,
                      long userId, List<String> tags, String hostname, String givenName, boolean givenNameByAdmin,
                      Inet4Address ipv4, Inet6Address ipv6, boolean ephemeral, Long authKeyId, Instant createdAt,
                      Instant keyExpiry, Instant lastSeen, List<InetSocketAddress> endpoints, Hostinfo hostinfo) {
    public NodeRow {
        tags = List.copyOf(tags);
        endpoints = List.copyOf(endpoints);
    }

    public boolean isExpired(Instant now) {
        return keyExpiry != null && !now.isBefore(keyExpiry);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes one or two fields of an immutable row. */
    public static final class Builder {
        private long id;
        private String stableId;
        private PublicKey machineKey;
        private PublicKey nodeKey;
        private PublicKey discoKey;
        private long userId;
        private List<String> tags;
        private String hostname;
        private String givenName;
        private boolean givenNameByAdmin;
        private Inet4Address ipv4;
        private Inet6Address ipv6;
        private boolean ephemeral;
        private Long authKeyId;
        private Instant createdAt;
        private Instant keyExpiry;
        private Instant lastSeen;
        private List<InetSocketAddress> endpoints;
        private Hostinfo hostinfo;

        private Builder(NodeRow r) {
            id = r.id;
            stableId = r.stableId;
            machineKey = r.machineKey;
            nodeKey = r.nodeKey;
            discoKey = r.discoKey;
            userId = r.userId;
            tags = r.tags;
            hostname = r.hostname;
            givenName = r.givenName;
            givenNameByAdmin = r.givenNameByAdmin;
            ipv4 = r.ipv4;
            ipv6 = r.ipv6;
            ephemeral = r.ephemeral;
            authKeyId = r.authKeyId;
            createdAt = r.createdAt;
            keyExpiry = r.keyExpiry;
            lastSeen = r.lastSeen;
            endpoints = r.endpoints;
            hostinfo = r.hostinfo;
        }

        public Builder id(long v) { id = v; return this; }
        public Builder nodeKey(PublicKey v) { nodeKey = v; return this; }
        public Builder discoKey(PublicKey v) { discoKey = v; return this; }
        public Builder userId(long v) { userId = v; return this; }
        public Builder tags(List<String> v) { tags = v; return this; }
        public Builder hostname(String v) { hostname = v; return this; }
        public Builder givenName(String v, boolean byAdmin) { givenName = v; givenNameByAdmin = byAdmin; return this; }
        public Builder ephemeral(boolean v) { ephemeral = v; return this; }
        public Builder authKeyId(Long v) { authKeyId = v; return this; }
        public Builder keyExpiry(Instant v) { keyExpiry = v; return this; }
        public Builder lastSeen(Instant v) { lastSeen = v; return this; }
        public Builder endpoints(List<InetSocketAddress> v) { endpoints = v; return this; }
        public Builder hostinfo(Hostinfo v) { hostinfo = v; return this; }

        public NodeRow build() {
            return new NodeRow(id, stableId, machineKey, nodeKey, discoKey, userId, tags, hostname, givenName,
                    givenNameByAdmin, ipv4, ipv6, ephemeral, authKeyId, createdAt, keyExpiry, lastSeen, endpoints,
                    hostinfo);
        }
    }
}
