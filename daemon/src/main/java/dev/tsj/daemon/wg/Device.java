package dev.tsj.daemon.wg;

import dev.tsj.crypto.CookieChecker;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.PublicKey;
import dev.tsj.crypto.StaticIdentity;
import dev.tsj.tun.PacketDevice;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A WireGuard device: a private key, a UDP port, peers with their allowed IPs, and a
 * packet device (TUN, userspace stack or test pipe) on the other side. Configuration
 * methods are safe from any thread (UAPI, the control client); the packet paths run on
 * their own threads: {@link ReceivePath} on the UDP I/O thread, {@link SendPath} on the
 * packet device reader, {@link HandshakeEngine} on the handshake thread, and
 * {@link #tick()} on the timer thread.
 */
public final class Device implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Device.class.getName());
    static final long TICK_NANOS = 100_000_000L;

    final Clock clock;
    final PacketDevice tun;
    final int mtu;
    final AllowedIps<Peer> allowedIps = new AllowedIps<>();
    final IndexTable indexes = new IndexTable();
    final DeviceCounters counters = new DeviceCounters();
    private final Map<PublicKey, Peer> peers = new ConcurrentHashMap<>();

    volatile StaticIdentity identity;
    volatile CookieChecker cookieChecker;
    volatile UdpBind bind;
    volatile PacketFilter filter = PacketFilter.ALLOW_ALL;
    volatile InboundTap tap;
    volatile PathProvider paths;
    /** The route for "through the relay"; compared by identity, never sent to. */
    static final InetSocketAddress VIA_RELAY = new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0);
    private volatile int fwmark;
    private int listenPort;

    final HandshakeEngine handshakes;
    private final ReceivePath receivePath;
    /** Seal and open in parallel; null when one thread per direction does it (see {@link CryptoWorkers#configuredCount}). */
    private final CryptoWorkers workers;
    private SendPath sendPath;
    private ScheduledExecutorService ticker;
    private volatile boolean closed;

    public Device(PacketDevice tun, Clock clock) {
        this(tun, clock, CryptoWorkers.configuredCount());
    }

    /** With {@code cryptoWorkers} threads sealing and opening in parallel (0: one thread per direction). */
    public Device(PacketDevice tun, Clock clock, int cryptoWorkers) {
        this.tun = tun;
        this.clock = clock;
        this.mtu = tun.mtu();
        this.handshakes = new HandshakeEngine(this);
        this.workers = cryptoWorkers > 0 ? new CryptoWorkers(cryptoWorkers, SendPath.BATCHES + ReceivePath.BATCHES) : null;
        this.receivePath = new ReceivePath(this, workers);
    }

    // ---------------------------------------------------------------- lifecycle

    /** Starts the packet-device reader and, unless {@code manualTicks}, the timer thread. */
    public synchronized void start(boolean manualTicks) {
        if (sendPath != null) {
            return;
        }
        sendPath = new SendPath(this, workers);
        sendPath.start();
        if (!manualTicks) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "wg-timers");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(this::tickSafely, TICK_NANOS, TICK_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warning("timer tick failed: " + e);
        }
    }

    /** Runs every peer's due timers; tests with a {@link ManualClock} call it directly. */
    public void tick() {
        long now = clock.nanoTime();
        for (Peer p : peers.values()) {
            handshakes.runTimers(p, now);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (ticker != null) {
            ticker.shutdownNow();
        }
        UdpBind b = bind;
        if (b != null) {
            b.close();
        }
        handshakes.close();
        try {
            tun.close();
        } catch (IOException e) {
            LOG.fine("closing packet device: " + e.getMessage());
        }
        if (tun instanceof dev.tsj.tun.linux.LinuxTun linux) {
            // Shows whether the segmentation offloads engaged: super-packets are TSO reads and GRO writes.
            LOG.info(linux.name() + " offloads " + linux.offloads() + ": " + linux.stats());
        }
        if (sendPath != null) {
            sendPath.join();
        }
        receivePath.close();
        if (workers != null) {
            workers.close();
        }
        for (Peer p : peers.values()) {
            zeroKeys(p);
        }
    }

    boolean isClosed() {
        return closed;
    }

    // ---------------------------------------------------------------- configuration

    public PrivateKey privateKey() {
        StaticIdentity id = identity;
        return id == null ? null : id.privateKey();
    }

    public PublicKey publicKey() {
        StaticIdentity id = identity;
        return id == null ? null : id.publicKey();
    }

    /**
     * Sets (or with null, clears) the private key. Sessions keyed by the old identity end:
     * handshakes restart and current keys stop sending, as in wireguard-go.
     */
    public synchronized void setPrivateKey(PrivateKey key) {
        StaticIdentity old = identity;
        if (key == null || key.isZero()) {
            identity = null;
            cookieChecker = null;
        } else {
            if (old != null && old.privateKey().equals(key)) {
                return;
            }
            StaticIdentity id = new StaticIdentity(key);
            // A peer with our own public key makes no sense; wireguard-go removes it.
            removePeer(id.publicKey());
            identity = id;
            cookieChecker = new CookieChecker(id.publicKey());
        }
        StaticIdentity now = identity;
        for (Peer p : peers.values()) {
            if (now != null) {
                p.rekeyIdentity(now);
            }
            expireCurrentKeypairs(p);
        }
    }

    /** Binds the UDP port (0 = any free one); rebinding on change. Returns the bound port. */
    public synchronized int listen(int port) throws IOException {
        UdpBind old = bind;
        if (old != null && port != 0 && port == old.port()) {
            return port;
        }
        if (old != null) {
            old.close();
            bind = null;
        }
        UdpBind b = NettyUdpBind.open(port, receivePath, counters);
        if (fwmark != 0) {
            b.setFwmark(fwmark);
        }
        bind = b;
        listenPort = b.port();
        LOG.info("listening on UDP port " + listenPort);
        return listenPort;
    }

    /** The bound UDP port, or 0 when not listening. */
    public int listenPort() {
        UdpBind b = bind;
        return b == null ? 0 : b.port();
    }

    public synchronized void setFwmark(int mark) throws IOException {
        fwmark = mark;
        UdpBind b = bind;
        if (b != null) {
            b.setFwmark(mark);
        }
    }

    public int fwmark() {
        return fwmark;
    }

    public Peer peer(PublicKey key) {
        return peers.get(key);
    }

    /** The existing peer for {@code key} or a new one. Refuses our own key. */
    public synchronized Peer addPeer(PublicKey key) {
        Peer p = peers.get(key);
        if (p != null) {
            return p;
        }
        StaticIdentity id = identity;
        if (id != null && id.publicKey().equals(key)) {
            throw new IllegalArgumentException("a peer cannot have the device's own public key");
        }
        // Without a private key yet, the handshake is built with a placeholder identity
        // and rebuilt by setPrivateKey.
        p = new Peer(id != null ? id : new StaticIdentity(PrivateKey.generate()), key, null);
        peers.put(key, p);
        LOG.fine(() -> "added " + key.shortString());
        return p;
    }

    public synchronized void removePeer(PublicKey key) {
        Peer p = peers.remove(key);
        if (p == null) {
            return;
        }
        allowedIps.removeAll(p);
        p.timers.stopAll();
        zeroKeys(p);
        p.clearStaged();
    }

    public synchronized void removeAllPeers() {
        for (PublicKey k : new ArrayList<>(peers.keySet())) {
            removePeer(k);
        }
    }

    /** A snapshot of the peers, in no particular order. */
    public List<Peer> peers() {
        return new ArrayList<>(peers.values());
    }

    public void setPersistentKeepalive(Peer p, int seconds) {
        int old = p.persistentKeepaliveSeconds();
        p.setPersistentKeepaliveSeconds(seconds);
        // As wireguard-go: turning it on sends a keepalive at once, so NAT state appears.
        if (seconds > 0 && old == 0 && bind != null && identity != null) {
            handshakes.sendKeepalive(p);
        }
    }

    /** Installs a tap that sees decrypted packets first (null removes it). */
    public void setInboundTap(InboundTap tap) {
        this.tap = tap;
    }

    /**
     * Sends a packet the daemon made itself (a ping) as if it had come from the TUN: to the
     * peer that owns its destination, starting a handshake if needed. Returns false when no
     * peer routes the destination.
     */
    public boolean sendLocal(byte[] packet) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(packet);
        int version = IpPacket.version(b, 0, packet.length);
        Peer p = version == 4 ? allowedIps.lookup4(IpPacket.dst4(b, 0))
                : version == 6 ? allowedIps.lookup6(IpPacket.dst6Hi(b, 0), IpPacket.dst6Lo(b, 0)) : null;
        if (p == null) {
            return false;
        }
        p.stage(b, 0, packet.length);
        handshakes.sendKeepalive(p); // flushes the staged queue, or handshakes first
        return true;
    }

    /** Installs the path manager (tailnet mode); null goes back to endpoints and roaming. */
    public void setPathProvider(PathProvider p) {
        this.paths = p;
    }

    /**
     * Where packets for {@code p} go now: its proven direct path, else the relay when one
     * is up, else its endpoint (the best guess before discovery, and plain wg mode).
     * Returns {@link #VIA_RELAY} for the relay, null when there is nowhere to send.
     */
    InetSocketAddress route(Peer p) {
        PathProvider pp = paths;
        if (pp == null) {
            return p.endpoint();
        }
        InetSocketAddress d = pp.direct(p);
        if (d != null) {
            return d;
        }
        return pp.relayAvailable(p) ? VIA_RELAY : p.endpoint();
    }

    /** Whether {@code p} is reached through the relay right now (for status). */
    public boolean relayed(Peer p) {
        return route(p) == VIA_RELAY;
    }

    /**
     * The UDP address status may call {@code p}'s direct path: the one a disco pong proved
     * (tailnet mode), else null, even while packets go to the peer's unproven endpoint for
     * want of a relay; in plain wg mode, the endpoint, as {@code wg show} reports it.
     */
    public InetSocketAddress directAddress(Peer p) {
        PathProvider pp = paths;
        return pp == null ? p.endpoint() : pp.direct(p);
    }

    /** Sends one whole message to {@code p} by its current route; false if it went nowhere. */
    boolean transmit(Peer p, byte[] msg) {
        InetSocketAddress to = route(p);
        UdpBind b = bind;
        if (to == null || b == null) {
            counters.droppedNoEndpoint.increment();
            return false;
        }
        if (to == VIA_RELAY) {
            return paths.sendViaRelay(p.publicKey(), msg, 0, msg.length);
        }
        b.send(to, msg);
        return true;
    }

    /** Sends a datagram from the WireGuard socket (disco, STUN); dropped when not listening. */
    public void sendUdp(InetSocketAddress to, byte[] data) {
        UdpBind b = bind;
        if (b != null) {
            b.send(to, data);
        }
    }

    /** Ends {@code p}'s sessions so the next packet handshakes afresh (the peer restarted). */
    public void resetSession(Peer p) {
        zeroKeys(p);
        p.timers.lastHandshakeSent = clock.nanoTime() - dev.tsj.crypto.WireGuardSpec.REKEY_TIMEOUT - 1;
    }

    /** Replies to whoever sent a message: over UDP, or back through the relay. */
    void reply(InetSocketAddress to, byte[] msg) {
        PathProvider pp = paths;
        if (to instanceof RelayedFrom r) {
            if (pp != null) {
                pp.sendViaRelay(r.node(), msg, 0, msg.length);
            }
            return;
        }
        UdpBind b = bind;
        if (b != null) {
            b.send(to, msg);
        }
    }

    /**
     * A message that came through the relay from node {@code src}: handled on the UDP
     * thread exactly like a datagram (the receive path is single-threaded).
     */
    public void receiveRelayed(dev.tsj.crypto.PublicKey src, byte[] data, int off, int len) {
        UdpBind b = bind;
        if (b == null || len <= 0) {
            return;
        }
        byte[] copy = java.util.Arrays.copyOfRange(data, off, off + len);
        RelayedFrom from = new RelayedFrom(src);
        b.execute(() -> receivePath.acceptRelayed(copy, from));
    }

    /** Sends what waits for {@code p} (staged packets), handshaking first if needed. */
    public void flush(Peer p) {
        if (p.hasStaged()) {
            handshakes.sendKeepalive(p);
        }
    }

    /** Installs the packet filter (the policy the coordination server sends). */
    public void setFilter(PacketFilter filter) {
        this.filter = filter == null ? PacketFilter.ALLOW_ALL : filter;
    }

    public AllowedIps<Peer> allowedIps() {
        return allowedIps;
    }

    public DeviceCounters counters() {
        return counters;
    }

    public int mtu() {
        return mtu;
    }

    // ---------------------------------------------------------------- keypair slots

    /** Drops every session and handshake of {@code p}, zeroing the keys. */
    synchronized void zeroKeys(Peer p) {
        synchronized (p) {
            retire(p.previous);
            retire(p.current);
            retire(p.next);
            p.previous = null;
            p.current = null;
            p.next = null;
            p.handshake.clear();
            if (p.handshakeIndex != 0) {
                indexes.release(p.handshakeIndex);
                p.handshakeIndex = 0;
            }
        }
    }

    /** Makes the current keypair unusable for sending so the next packet rehandshakes. */
    private void expireCurrentKeypairs(Peer p) {
        synchronized (p) {
            p.timers.lastHandshakeSent = clock.nanoTime() - dev.tsj.crypto.WireGuardSpec.REKEY_TIMEOUT - 1;
            Keypair k = p.current;
            if (k != null) {
                k.exhaust();
            }
        }
    }

    void retire(Keypair k) {
        if (k != null) {
            indexes.release(k.localIndex, k);
            k.destroy();
        }
    }
}
