package dev.tsj.daemon.router;

import java.io.IOException;
import java.util.List;

/**
 * The host side of a node: the tailnet addresses on the interface and the routes that
 * send traffic into it. TUN mode changes the kernel ({@link LinuxRouter}); userspace mode
 * the network stack in the daemon ({@link UserspaceRouter}).
 */
public interface Router extends AutoCloseable {

    /**
     * What the node wants from the host right now; applying it again changes nothing.
     *
     * @param addresses  the node's tailnet addresses (on the interface)
     * @param routes     destinations to route into the tunnel (tailnet ranges, accepted subnet routes)
     * @param advertised subnets this node routes for others (forwarding and SNAT towards them)
     * @param snat       whether to source-NAT tailnet traffic to the advertised subnets
     */
    record Config(List<String> addresses, List<String> routes, List<String> advertised, boolean snat) {
        public Config {
            addresses = List.copyOf(addresses);
            routes = List.copyOf(routes);
            advertised = List.copyOf(advertised);
        }

        public static final Config EMPTY = new Config(List.of(), List.of(), List.of(), true);
    }

    /** Makes the host match {@code config}, adding what is missing and removing what is not wanted. */
    void apply(Config config) throws IOException;

    /** Problems a user should see in status (a route not installed and why); empty when fine. */
    List<String> problems();

    /** Removes everything this router added. */
    @Override
    void close();
}
