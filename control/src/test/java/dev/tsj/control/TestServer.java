package dev.tsj.control;

import dev.tsj.control.admin.AdminClient;
import dev.tsj.control.admin.AdminException;
import dev.tsj.control.client.ClientOptions;
import dev.tsj.control.client.ControlClient;
import dev.tsj.control.client.ControlException;
import dev.tsj.control.core.TailnetConfig;
import dev.tsj.control.relay.ControlRelayConfig;
import dev.tsj.control.server.ControlServer;
import dev.tsj.control.server.ServerConfig;
import dev.tsj.crypto.PrivateKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** A control server on 127.0.0.1 with a temp state dir and short timers, for tests. */
public final class TestServer implements AutoCloseable {
    public final Path stateDir;
    public final TailnetConfig tailnet;
    private final String policy;
    public final ControlRelayConfig relays;
    private ControlServer server;
    private int port;

    public TestServer(Path stateDir) throws IOException {
        this(stateDir, TailnetConfig.defaults().withKeepAlive(Duration.ofSeconds(1))
                .withEphemeralTimeout(Duration.ofSeconds(2)));
    }

    public TestServer(Path stateDir, TailnetConfig tailnet) throws IOException {
        this(stateDir, tailnet, null, ControlRelayConfig.embeddedOnly());
    }

    /** A server started with {@code serve --policy}: {@code policy} replaces the stored one. */
    public TestServer(Path stateDir, TailnetConfig tailnet, String policy) throws IOException {
        this(stateDir, tailnet, policy, ControlRelayConfig.embeddedOnly());
    }

    public TestServer(Path stateDir, TailnetConfig tailnet, ControlRelayConfig relays) throws IOException {
        this(stateDir, tailnet, null, relays);
    }

    public TestServer(Path stateDir, TailnetConfig tailnet, String policy, ControlRelayConfig relays) throws IOException {
        this.stateDir = stateDir;
        this.tailnet = tailnet;
        this.policy = policy;
        this.relays = relays;
        start();
    }

    /** Starts (again) on the same port and state dir. */
    public void start() throws IOException {
        server = ControlServer.start(new ServerConfig(new InetSocketAddress("127.0.0.1", port), stateDir, null, tailnet,
                policy, relays), EventLog.silent());
        port = server.address().getPort();
    }

    public void stop() {
        server.close();
    }

    public ControlServer server() {
        return server;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public AdminClient admin() {
        return new AdminClient(stateDir);
    }

    public static final ClientOptions FAST = new ClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofMillis(50), Duration.ofMillis(500));

    public ControlClient client(PrivateKey machineKey) {
        try {
            return new ControlClient(url(), machineKey, FAST);
        } catch (ControlException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A user and a key for it, the text of the key returned. */
    public String authKey(String user, boolean reusable, boolean ephemeral, List<String> tags) {
        try {
            if (admin().listUsers().stream().noneMatch(u -> u.name().equals(user))) {
                admin().createUser(user);
            }
            return admin().createAuthKey(user, reusable, ephemeral, false, null, tags).key();
        } catch (AdminException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }

    /** Polls {@code cond} until true or {@code timeout}; fails with {@code what}. */
    public static void await(String what, Duration timeout, BooleanSupplier cond) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new UncheckedIOException(new IOException(e));
            }
        }
    }
}
