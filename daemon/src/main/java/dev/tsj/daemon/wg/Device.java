package dev.tsj.daemon.wg;

import dev.tsj.crypto.CookieChecker;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.PublicKey;
import dev.tsj.crypto.StaticIdentity;
import dev.tsj.tun.PacketDevice;
import java.io.IOException;
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
    private volatile int fwmark;
    private int listenPort;

    final HandshakeEngine handshakes;
    private final ReceivePath receivePath;
    private SendPath sendPath;
    private ScheduledExecutorService ticker;
    private volatile boolean closed;

    public Device(PacketDevice tun, Clock clock) {
        this.tun = tun;
        this.clock = clock;
        this.mtu = tun.mtu();
        this.handshakes = new HandshakeEngine(this);
        this.receivePath = new ReceivePath(this);
    }

    // ---------------------------------------------------------------- lifecycle

    /** Starts the packet-device reader and, unless {@code manualTicks}, the timer thread. */
    public synchronized void start(boolean manualTicks) {
        if (sendPath != null) {
            return;
        }
        sendPath = new SendPath(this);
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
        if (sendPath != null) {
            sendPath.join();
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
        UdpBind b = NettyUdpBind.open(port, receivePath);
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
