package dev.tsj.tun.link;

import java.io.IOException;
import java.util.List;

/**
 * Configures network interfaces, addresses, routes and policy rules of the host (or of one
 * network namespace). Adding what already exists and removing what is already gone succeed,
 * so a daemon can re-apply its whole configuration after a restart. Failures are
 * {@link IOException}s with a one-line message naming the operation that failed.
 */
public interface LinkConfigurator {
    void setMtu(String device, int mtu) throws IOException;

    void setUp(String device, boolean up) throws IOException;

    void addAddress(String device, IpPrefix address) throws IOException;

    void removeAddress(String device, IpPrefix address) throws IOException;

    /** Adds the route, replacing a route to the same destination in that table. */
    void addRoute(Route route) throws IOException;

    void removeRoute(Route route) throws IOException;

    void addRule(PolicyRule rule) throws IOException;

    void removeRule(PolicyRule rule) throws IOException;

    /**
     * Networks the host reaches directly (global and site scope; not loopback, not link-local),
     * e.g. to warn when a subnet route would cover the host's own LAN.
     */
    List<ConnectedNetwork> connectedNetworks() throws IOException;

    /** Deletes the interface; gone already is fine. */
    void deleteLink(String device) throws IOException;
}
