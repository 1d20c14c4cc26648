package dev.tsj.control.server;

import dev.tsj.control.core.TailnetConfig;
import dev.tsj.control.relay.ControlRelayConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * How to run a control server.
 *
 * @param listen   TCP address of the front door (port 0: any free port, for tests)
 * @param stateDir holds the server key, the database (by default) and the admin socket
 * @param dbUrl    database URL; null for SQLite in {@code stateDir/tsj-control.db}
 * @param policy   policy text put in force at start, replacing the stored one ({@code serve
 *                 --policy FILE}); null keeps the stored policy (or none: allow all)
 * @param relays   the embedded relay, STUN and the relay map
 */
public record ServerConfig(InetSocketAddress listen, Path stateDir, String dbUrl, TailnetConfig tailnet, String policy,
                           ControlRelayConfig relays) {
    /** With the embedded relay, no STUN and the stored policy (tests and library use). */
    public ServerConfig(InetSocketAddress listen, Path stateDir, String dbUrl, TailnetConfig tailnet) {
        this(listen, stateDir, dbUrl, tailnet, null, ControlRelayConfig.embeddedOnly());
    }

    public ServerConfig(InetSocketAddress listen, Path stateDir, String dbUrl, TailnetConfig tailnet, String policy) {
        this(listen, stateDir, dbUrl, tailnet, policy, ControlRelayConfig.embeddedOnly());
    }

    public ServerConfig(InetSocketAddress listen, Path stateDir, String dbUrl, TailnetConfig tailnet,
                        ControlRelayConfig relays) {
        this(listen, stateDir, dbUrl, tailnet, null, relays);
    }

    public static final String DEFAULT_STATE_DIR = "/var/lib/tsj-control";
    public static final String DB_FILE = "tsj-control.db";
    public static final String ADMIN_SOCKET = "admin.sock";
    /** The largest message a node may send on the control channel. */
    public static final int MAX_CLIENT_MESSAGE = 1 << 20;

    public Path adminSocket() {
        return stateDir.resolve(ADMIN_SOCKET);
    }
}
