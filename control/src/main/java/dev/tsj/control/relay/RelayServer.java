package dev.tsj.control.relay;

import dev.tsj.control.EventLog;
import dev.tsj.control.http.HttpHead;
import dev.tsj.control.http.HttpReplies;
import dev.tsj.control.relay.io.BufferPool;
import dev.tsj.control.relay.proto.Frames;
import dev.tsj.control.relay.proto.RelayProto;
import dev.tsj.control.stun.StunCounters;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.PublicKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The relay: the registry of connected nodes by node key, admission, and the counters.
 * It has no listener of its own: the control server's front door (embedded) or a
 * {@link StandaloneRelay} hands it each {@code GET /relay} upgrade, and the connection runs
 * on the thread that accepted it. Packets stay WireGuard ciphertext; the relay sees only
 * node keys and lengths.
 */
public final class RelayServer implements AutoCloseable {
    /** What a restarting relay tells its clients: come back in a second, keep trying for 30. */
    static final int RESTART_RECONNECT_IN_MS = 1000;
    static final int RESTART_TRY_FOR_MS = 30_000;
    private static final long CLOSE_GRACE_NANOS = 1_000_000_000L;

    private final RelayServerConfig config;
    private final PrivateKey key;
    private final PublicKey publicKey;
    private final Admission admission;
    private final EventLog log;
    private final BufferPool pool = new BufferPool(RelayServerConfig.POOL_BUFFER, 8192);
    final RelayCounters counters = new RelayCounters();
    private final ConcurrentHashMap<PublicKey, RelayConnection> clients = new ConcurrentHashMap<>();
    private final AtomicLong epoch = new AtomicLong();
    private final Thread revalidator;
    private volatile boolean closing;

    public RelayServer(RelayServerConfig config, PrivateKey key, Admission admission, EventLog log) {
        this.config = config;
        this.key = key;
        this.publicKey = key.publicKey();
        this.admission = admission;
        this.log = log;
        this.revalidator = Thread.ofVirtual().name("relay-revalidate").start(this::revalidateLoop);
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public RelayServerConfig config() {
        return config;
    }

    PrivateKey privateKey() {
        return key;
    }

    Admission admission() {
        return admission;
    }

    BufferPool pool() {
        return pool;
    }

    long epoch() {
        return epoch.get();
    }

    /**
     * Serves one {@code /relay} request whose head has been read: refuses it with a plain
     * HTTP error, or upgrades it and runs the connection until it ends.
     */
    public void handleUpgrade(Socket socket, HttpHead head, InputStream in, OutputStream out) throws IOException {
        if (!head.first().equals("GET")) {
            HttpReplies.error(out, 405, "use GET with Upgrade: " + RelayProto.UPGRADE_TOKEN);
            return;
        }
        if (!head.headerHasToken("upgrade", RelayProto.UPGRADE_TOKEN) || !head.headerHasToken("connection", "upgrade")) {
            HttpReplies.error(out, 426, "this endpoint needs Upgrade: " + RelayProto.UPGRADE_TOKEN);
            return;
        }
        if (closing) {
            HttpReplies.error(out, 503, "relay is shutting down");
            return;
        }
        new RelayConnection(this, socket, in, out, head.leftover()).run();
    }

    void register(RelayConnection c) {
        RelayConnection old = clients.put(c.nodeKey, c);
        epoch.incrementAndGet();
        counters.connections.increment();
        if (old != null) {
            counters.replacedConnections.increment();
            old.closeGracefully(Frames.health("replaced by a newer connection with the same node key"));
        }
        if (closing) {
            c.closeGracefully(Frames.restarting(RESTART_RECONNECT_IN_MS, RESTART_TRY_FOR_MS));
        }
    }

    void unregister(RelayConnection c) {
        if (c.nodeKey == null || !clients.remove(c.nodeKey, c)) {
            return; // never admitted, or replaced: the node is still here
        }
        epoch.incrementAndGet();
        byte[] gone = Frames.peerGone(c.keyBytes, 0, dev.tsj.control.relay.proto.PeerGoneReason.DISCONNECTED);
        for (RelayConnection s : c.senders) {
            if (!s.isClosed()) {
                s.queue.publishCopy(gone);
            }
        }
    }

    /** The connection of the node whose key is at {@code b[off]}, or null. */
    RelayConnection find(byte[] b, int off) {
        return clients.get(new PublicKey(Arrays.copyOfRange(b, off, off + RelayProto.KEY_SIZE)));
    }

    /** Whether {@code node} is connected here now. */
    public boolean isConnected(PublicKey node) {
        return clients.containsKey(node);
    }

    private void revalidateLoop() {
        long every = config.revalidateEvery().toMillis();
        while (!closing) {
            try {
                Thread.sleep(every);
            } catch (InterruptedException e) {
                return;
            }
            for (RelayConnection c : clients.values()) {
                if (!c.isClosed() && admission.check(c.nodeKey) == Admission.Verdict.REFUSE) {
                    counters.admissionRefused.increment();
                    log.info("relay.client_dropped", "reason", "no longer admitted");
                    c.closeGracefully(Frames.health("node key is no longer a current node of this tailnet"));
                }
            }
        }
    }

    /** The counters now; {@code stun} (may be null) adds the STUN responders' counts. */
    public RelayStats stats(StunCounters stun) {
        RelayCounters c = counters;
        return new RelayStats(config.name(), clients.size(), c.connections.sum(), c.packetsRelayed.sum(),
                c.bytesRelayed.sum(), c.dropsQueueFull.sum(), c.dropsUnknownDestination.sum(),
                c.malformedFrames.sum(), c.unknownFrames.sum(), c.badClientInfo.sum(), c.admissionRefused.sum(),
                c.admissionUnavailable.sum(), c.replacedConnections.sum(), c.pings.sum(),
                stun == null ? 0 : stun.requests(), stun == null ? 0 : stun.malformed());
    }

    /**
     * Tells every client the relay is restarting (so they come back promptly), gives the
     * writers a second to send it, then closes what is left.
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        revalidator.interrupt();
        byte[] restart = Frames.restarting(RESTART_RECONNECT_IN_MS, RESTART_TRY_FOR_MS);
        for (RelayConnection c : clients.values()) {
            c.closeGracefully(restart);
        }
        long end = System.nanoTime() + CLOSE_GRACE_NANOS;
        while (!clients.isEmpty() && System.nanoTime() < end) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (RelayConnection c : clients.values()) {
            c.close();
        }
    }
}
