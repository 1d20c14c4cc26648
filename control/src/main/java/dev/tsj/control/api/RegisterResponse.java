package dev.tsj.control.api;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of a successful registration.
 *
 * @param name       the unique DNS label the server gave the node (may differ from the
 *                   hostname it asked for, e.g. {@code web-1})
 * @param user       the owner's login, or {@code tagged-devices}
 * @param keyExpiry  when the node key expires; null when it never does (tagged nodes)
 * @param authorized always true for now (device approval is not implemented)
 */
public record RegisterResponse(long nodeId, String stableId, String name, String dnsName, String user,
                               List<String> tags, List<IpPrefix> addresses, Instant keyExpiry,
                               boolean ephemeral, boolean authorized) implements Message {
    public RegisterResponse {
        tags = tags == null ? List.of() : List.copyOf(tags);
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }
}
