package dev.tsj.daemon.router;

import java.io.IOException;
import java.util.List;

/**
 * The firewall rules a subnet router needs: accept forwarding between the tailnet
 * interface and the rest, and (unless turned off) source-NAT traffic from the tailnet to
 * the advertised subnets to the router's own address, so LAN hosts answer without a route
 * back to the tailnet. Installing is idempotent (a restart after SIGKILL leaves one copy);
 * removing leaves nothing.
 */
interface SnatBackend {
    void install(String tunName, List<String> subnets, boolean snat) throws IOException;

    void remove() throws IOException;

    String name();
}
