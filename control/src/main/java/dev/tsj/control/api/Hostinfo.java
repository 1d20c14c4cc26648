package dev.tsj.control.api;

import java.util.List;

/**
 * What a node says about itself. {@code advertisedRoutes} are the subnet routes it offers
 * (used only once an administrator or the policy approves them); {@code requestTags} the
 * tags it asks for.
 */
public record Hostinfo(String hostname, String os, String osVersion, String version,
                       List<IpPrefix> advertisedRoutes, List<String> requestTags) {
    public Hostinfo {
        advertisedRoutes = advertisedRoutes == null ? List.of() : List.copyOf(advertisedRoutes);
        requestTags = requestTags == null ? List.of() : List.copyOf(requestTags);
    }

    public static Hostinfo of(String hostname) {
        return new Hostinfo(hostname, System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT),
                null, null, List.of(), List.of());
    }

    public Hostinfo withHostname(String h) {
        return new Hostinfo(h, os, osVersion, version, advertisedRoutes, requestTags);
    }

    public Hostinfo withAdvertisedRoutes(List<IpPrefix> routes) {
        return new Hostinfo(hostname, os, osVersion, version, routes, requestTags);
    }

    public Hostinfo withRequestTags(List<String> tags) {
        return new Hostinfo(hostname, os, osVersion, version, advertisedRoutes, tags);
    }
}
