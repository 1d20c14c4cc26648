package dev.tsj.daemon.wg;

import dev.tsj.crypto.CookieGenerator;
import dev.tsj.crypto.Handshake;
import dev.tsj.crypto.PresharedKey;
import dev.tsj.crypto.PublicKey;
import dev.tsj.crypto.StaticIdentity;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A WireGuard peer: its identity and configuration, its handshake and cookie state, its
 * three keypair slots (previous, current, next) and the deadlines of its timers. The
 * device drives it; the fields the packet path reads are volatile and never locked.
 */
public final class Peer {
    /** Packets held while no session exists (wireguard-go's QueueStagedSize). */
    static final int MAX_STAGED = 128;

    private final PublicKey publicKey;
    /** Replaced when the device's private key changes. */
    volatile Handshake handshake;
    final CookieGenerator cookies;
    private volatile InetSocketAddress endpoint;
    private volatile int persistentKeepaliveSeconds;

    // Keypair slots: written under 'this', read lock-free.
    volatile Keypair previous;
    volatile Keypair current;
    volatile Keypair next;
    /** Our index of the handshake in flight, released when replaced unless it became a keypair. */
    int handshakeIndex;

    final PeerTimers timers = new PeerTimers();
    private final ArrayDeque<byte[]> staged = new ArrayDeque<>();
    /** Mirrors staged.size() so the send path can check it without taking the lock. */
    private volatile int stagedCount;

    /** At most one queued initiation and one queued flush per peer, however many packets ask. */
    final java.util.concurrent.atomic.AtomicBoolean initiationQueued = new java.util.concurrent.atomic.AtomicBoolean();
    final java.util.concurrent.atomic.AtomicBoolean flushQueued = new java.util.concurrent.atomic.AtomicBoolean();

    final AtomicLong rxBytes = new AtomicLong();
    final AtomicLong txBytes = new AtomicLong();
    private volatile Instant lastHandshake;

    Peer(StaticIdentity local, PublicKey publicKey, PresharedKey psk) {
        this.publicKey = publicKey;
        this.handshake = new Handshake(local, publicKey, psk);
        this.cookies = new CookieGenerator(publicKey);
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public InetSocketAddress endpoint() {
        return endpoint;
    }

    public void setEndpoint(InetSocketAddress endpoint) {
        this.endpoint = endpoint;
    }

    public PresharedKey presharedKey() {
        return handshake.presharedKey();
    }

    public void setPresharedKey(PresharedKey psk) {
        handshake.setPresharedKey(psk);
    }

    /** A new local identity invalidates any handshake in flight (it was keyed by the old one). */
    void rekeyIdentity(StaticIdentity local) {
        Handshake old = handshake;
        handshake = new Handshake(local, publicKey, old.presharedKey());
        old.clear();
    }

    public int persistentKeepaliveSeconds() {
        return persistentKeepaliveSeconds;
    }

    void setPersistentKeepaliveSeconds(int seconds) {
        this.persistentKeepaliveSeconds = seconds;
    }

    /** When the last handshake completed (wall time), or null if never. */
    public Instant lastHandshake() {
        return lastHandshake;
    }

    void handshakeCompleted(Instant when) {
        lastHandshake = when;
    }

    public long rxBytes() {
        return rxBytes.get();
    }

    public long txBytes() {
        return txBytes.get();
    }

    /** True while a current session can carry data. */
    public boolean hasSession(long now) {
        Keypair k = current;
        return k != null && !k.expired(now);
    }

    // ---- staged packets (only while no usable session; not the hot path) ----

    synchronized void stage(ByteBuffer buf, int off, int len) {
        if (staged.size() >= MAX_STAGED) {
            staged.pollFirst();
        }
        byte[] copy = new byte[len];
        buf.get(off, copy, 0, len);
        staged.addLast(copy);
        stagedCount = staged.size();
    }

    synchronized byte[] pollStaged() {
        byte[] p = staged.pollFirst();
        stagedCount = staged.size();
        return p;
    }

    boolean hasStaged() {
        return stagedCount > 0;
    }

    synchronized void clearStaged() {
        staged.clear();
        stagedCount = 0;
    }

    /** Short name for logs: the first five base64 characters of the key, as wg-quick logs do. */
    @Override
    public String toString() {
        return "peer " + publicKey.shortString();
    }
}
