package dev.tsj.control.relay;

import dev.tsj.control.EventLog;
import dev.tsj.control.TestServer;
import dev.tsj.control.relay.client.RelayClient;
import dev.tsj.control.relay.client.RelayClientOptions;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.PublicKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A standalone relay on 127.0.0.1 that admits the keys in {@link #admitted}, plus clients
 * with short backoffs; everything is closed by {@link #close()}.
 */
final class RelayFixture implements AutoCloseable {
    static final RelayClientOptions FAST = RelayClientOptions.defaults()
            .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
    static final Duration WAIT = Duration.ofSeconds(10);

    final Set<PublicKey> admitted = ConcurrentHashMap.newKeySet();
    final PrivateKey relayKey = PrivateKey.generate();
    final RelayServerConfig config;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    StandaloneRelay relay;
    private int port;

    RelayFixture() throws IOException {
        this(RelayServerConfig.defaults("test").withKeepAlive(Duration.ofSeconds(1)));
    }

    RelayFixture(RelayServerConfig config) throws IOException {
        this.config = config;
        start();
    }

    /** Starts the relay (again, on the same port after {@link #stopRelay()}). */
    void start() throws IOException {
        relay = StandaloneRelay.start(new InetSocketAddress("127.0.0.1", port), null, null, config, relayKey,
                k -> admitted.contains(k) ? Admission.Verdict.ADMIT : Admission.Verdict.REFUSE, EventLog.silent());
        port = relay.address().getPort();
    }

    void stopRelay() {
        relay.close();
    }

    /** A node key the relay admits. */
    PrivateKey admittedKey() {
        PrivateKey k = PrivateKey.generate();
        admitted.add(k.publicKey());
        return k;
    }

    RelayClient client(PrivateKey key, Inbox inbox) {
        return client(key, inbox, FAST);
    }

    RelayClient client(PrivateKey key, Inbox inbox, RelayClientOptions options) {
        RelayClient c = RelayClient.start(relay.url(), key, inbox, options);
        toClose.add(c);
        return c;
    }

    /** A connected client for a fresh admitted key. */
    RelayClient connected(Inbox inbox) {
        RelayClient c = client(admittedKey(), inbox);
        TestServer.await("relay client connected", WAIT, c::isConnected);
        return c;
    }

    RawRelayConnection raw() throws IOException {
        RawRelayConnection r = new RawRelayConnection(relay.address());
        toClose.add(r);
        return r;
    }

    RelayStats stats() {
        return relay.stats();
    }

    @Override
    public void close() {
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        relay.close();
    }
}
