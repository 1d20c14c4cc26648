package dev.tsj.control.stun;

import dev.tsj.control.EventLog;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The STUN responders of one server: a primary port and, usually, a second one, so a
 * node can see whether its NAT maps one socket to different ports for different
 * destinations (a "hard" NAT). Both share one set of counters.
 */
public final class StunResponders implements AutoCloseable {
    private final List<StunServer> servers;
    private final StunCounters counters;

    private StunResponders(List<StunServer> servers, StunCounters counters) {
        this.servers = servers;
        this.counters = counters;
    }

    /**
     * Starts responders on {@code host}.
     *
     * @param port    primary port (0: any free port); null: no STUN at all
     * @param altPort second port (0: any free port); null: none
     */
    public static StunResponders start(InetAddress host, Integer port, Integer altPort, EventLog log) throws IOException {
        StunCounters counters = new StunCounters();
        List<StunServer> started = new ArrayList<>();
        try {
            if (port != null) {
                started.add(StunServer.start(new InetSocketAddress(host, port), counters, log));
                if (altPort != null) {
                    started.add(StunServer.start(new InetSocketAddress(host, altPort), counters, log));
                }
            }
        } catch (IOException e) {
            started.forEach(StunServer::close);
            throw new IOException("cannot bind the STUN port: " + e.getMessage(), e);
        }
        return new StunResponders(List.copyOf(started), counters);
    }

    public StunCounters counters() {
        return counters;
    }

    /** The primary port, or 0 when STUN is off. */
    public int port() {
        return servers.isEmpty() ? 0 : servers.get(0).address().getPort();
    }

    /** The second port, or 0 when there is none. */
    public int altPort() {
        return servers.size() < 2 ? 0 : servers.get(1).address().getPort();
    }

    @Override
    public void close() {
        servers.forEach(StunServer::close);
    }
}
