package dev.tsj.control.server;

import dev.tsj.control.EventLog;
import dev.tsj.control.admin.AdminDispatcher;
import dev.tsj.control.admin.AdminServer;
import dev.tsj.control.api.RelayNode;
import dev.tsj.control.core.ControlError;
import dev.tsj.control.core.Core;
import dev.tsj.control.policy.PolicyException;
import dev.tsj.control.relay.AdmitEndpoint;
import dev.tsj.control.relay.AdmitSecret;
import dev.tsj.control.relay.ControlRelayConfig;
import dev.tsj.control.relay.CoreAdmission;
import dev.tsj.control.relay.RelayRoutes;
import dev.tsj.control.relay.RelayServer;
import dev.tsj.control.relay.RelayStats;
import dev.tsj.control.relay.proto.RelayProto;
import dev.tsj.control.stun.StunResponders;
import dev.tsj.control.store.Store;
import dev.tsj.control.util.DurationText;
import dev.tsj.control.util.SecureFiles;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.PublicKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * A running coordination server: the state dir (locked against a second server), the
 * store, the core thread, the TCP front door with one virtual thread per connection, and
 * the admin socket. {@link #close()} stops all of it and closes the database.
 */
public final class ControlServer implements AutoCloseable {
    public static final String LOCK_FILE = "tsj-control.lock";

    private final ServerConfig config;
    private final EventLog log;
    private final FileChannel lockChannel;
    private final Core core;
    private final PublicKey publicKey;
    private final ServerSocket listener;
    private final AdminServer admin;
    private final RelayServer relay;
    private final StunResponders stun;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean closing;

    private ControlServer(ServerConfig config, EventLog log) throws IOException {
        this.config = config;
        this.log = log;
        SecureFiles.ensurePrivateDir(config.stateDir());
        lockChannel = FileChannel.open(config.stateDir().resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null; // held by another server in this same JVM
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("another tsj control server is using " + config.stateDir());
        }
        Core c = null;
        ServerSocket l = null;
        AdminServer a = null;
        RelayServer r = null;
        StunResponders st = null;
        try {
            PrivateKey key = ServerKeyFile.loadOrCreate(config.stateDir(), log);
            publicKey = key.publicKey();
            Store store = StoreUrls.open(config.dbUrl(), config.stateDir());
            log.info("store.opened", "schema", store.schemaVersion());
            try {
                c = new Core(store, config.tailnet(), Clock.systemUTC(), log, config.policy());
            } catch (PolicyException e) {
                store.close();
                throw new IOException(e.getMessage(), e);
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
            l = new ServerSocket();
            l.setReuseAddress(true);
            l.bind(config.listen(), 4096);
            ControlRelayConfig rc = config.relays();
            st = StunResponders.start(config.listen().getAddress(), rc.stunPort(), rc.stunAltPort(), log);
            if (rc.embedded()) {
                r = new RelayServer(rc.relay(), ServerKeyFile.loadOrCreateFile(
                        config.stateDir().resolve(ServerKeyFile.RELAY_NAME), log), new CoreAdmission(c), log);
            }
            List<RelayNode> relayMap = relayMap(rc, r, st);
            try {
                c.call((t, ad) -> {
                    t.advertiseRelays(relayMap);
                    return null;
                });
            } catch (ControlError e) {
                throw new IOException("cannot set the relay map: " + e.getMessage(), e);
            }
            RelayServer relayRef = r;
            StunResponders stunRef = st;
            Supplier<RelayStats> stats = r == null ? null : () -> relayRef.stats(stunRef.counters());
            RelayRoutes routes = new RelayRoutes(r, new AdmitEndpoint(AdmitSecret.loadOrCreate(config.stateDir()),
                    new CoreAdmission(c)), stats);
            Core coreRef = c;
            FrontDoor door = new FrontDoor(key, (sock, ch) -> new ControlConnection(sock, ch, coreRef,
                    config.tailnet(), log), routes, log);
            a = new AdminServer(config.adminSocket(), new AdminDispatcher(c, stats), log);
            ServerSocket listenerRef = l;
            Thread.ofPlatform().name("control-accept").daemon(true).start(() -> acceptLoop(listenerRef, door));
        } catch (IOException | RuntimeException e) {
            if (a != null) {
                a.close();
            }
            if (r != null) {
                r.close();
            }
            if (st != null) {
                st.close();
            }
            if (l != null) {
                l.close();
            }
            if (c != null) {
                c.close();
            }
            lockChannel.close();
            throw e;
        }
        relay = r;
        stun = st;
        core = c;
        listener = l;
        admin = a;
        log.info("server.started", "listen", dev.tsj.control.api.IpLiterals.formatEndpoint(address()), "state_dir", config.stateDir(),
                "domain", config.tailnet().domain(), "key_expiry", DurationText.format(config.tailnet().nodeKeyExpiry()),
                "ephemeral_timeout", DurationText.format(config.tailnet().ephemeralTimeout()),
                "keepalive", DurationText.format(config.tailnet().keepAlive()),
                "relay", relay == null ? "-" : relay.config().name(), "stun_ports", stun.port() + "," + stun.altPort());
    }

    /** The embedded relay (if any) first, then the standalone relays the config lists. */
    private static List<RelayNode> relayMap(ControlRelayConfig rc, RelayServer relay, StunResponders stun) {
        List<RelayNode> map = new ArrayList<>();
        if (relay != null) {
            map.add(new RelayNode(relay.config().name(), rc.regionId(), RelayProto.PATH, null, stun.port(),
                    stun.altPort(), relay.publicKey()));
        }
        map.addAll(rc.others());
        return map;
    }

    public static ControlServer start(ServerConfig config, EventLog log) throws IOException {
        return new ControlServer(config, log);
    }

    private void acceptLoop(ServerSocket l, FrontDoor door) {
        while (!l.isClosed()) {
            try {
                Socket s = l.accept();
                open.add(s);
                Thread.ofVirtual().name("control-conn").start(() -> {
                    try {
                        door.handle(s);
                    } finally {
                        open.remove(s);
                    }
                });
            } catch (IOException e) {
                if (!l.isClosed()) {
                    log.warn("accept.failed", "error", e.getMessage());
                }
            }
        }
    }

    /** The bound address (with the real port when the config asked for port 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public Path adminSocket() {
        return config.adminSocket();
    }

    public ServerConfig config() {
        return config;
    }

    /** The embedded relay, or null. */
    public RelayServer relay() {
        return relay;
    }

    /** The STUN responders (ports 0 when off). */
    public StunResponders stun() {
        return stun;
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    @Override
    public synchronized void close() {
        if (closing) {
            return;
        }
        closing = true;
        if (relay != null) {
            relay.close(); // first, so its clients hear that it is restarting
        }
        stun.close();
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            admin.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        core.close();
        try {
            lockChannel.close();
        } catch (IOException ignored) {
            // released with the process anyway
        }
        log.info("server.stopped");
        closed.countDown();
    }
}
