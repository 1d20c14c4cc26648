package dev.tsj.control.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A peer a node may see: its addresses as /32 and /128 plus the subnet routes it is primary
 * for and the exit routes it serves ({@code AllowedIPs}), and the primary subnet routes alone.
 */
public record PeerEntry(@JsonProperty("ID") long nodeId, @JsonProperty("Hostname") String hostname,
                        @JsonProperty("AllowedIPs") List<String> allowedIps,
                        @JsonProperty("PrimaryRoutes") List<String> primaryRoutes) {
    public PeerEntry {
        allowedIps = List.copyOf(allowedIps);
        primaryRoutes = List.copyOf(primaryRoutes);
    }
}
