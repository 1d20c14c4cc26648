package dev.tsj.control.relay.client;

import dev.tsj.control.relay.io.BufferPool;
import dev.tsj.control.relay.io.OutboundQueue;
import dev.tsj.control.relay.io.WriteLoop;
import dev.tsj.control.relay.proto.FrameReader;
import dev.tsj.control.relay.proto.Frames;
import dev.tsj.control.relay.proto.PeerGoneReason;
import dev.tsj.control.relay.proto.ProtocolException;
import dev.tsj.control.relay.proto.RelayHandshake;
import dev.tsj.control.relay.proto.RelayProto;
import dev.tsj.control.relay.proto.ServerInfo;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.PublicKey;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * A node's connection to one relay, kept up until {@link #close()}: it connects, proves
 * the node key, and on any failure or loss reconnects after a growing, jittered wait (at
 * most {@link RelayClientOptions#maxBackoff()}; sooner when the relay announced a restart).
 *
 * <p>Threads: one reader per client (it also dials and waits between attempts) calls the
 * {@link Listener} callbacks; one writer per connection sends what {@link #send} queued.
 * {@code send} queues one copy of the packet and returns; when the queue is full it waits
 * for room at most {@link RelayClientOptions#sendWait()} (backpressure on the sender), then
 * returns false and counts a drop, as it does at once when not connected.
 */
public final class RelayClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RelayClient.class.getName());
    /** How long waits after a RESTARTING notice stay short. */
    private static final long RESTART_BACKOFF_CAP_MS = 1000;
    /**
     * A connection that lasted this long resets the backoff. Not resetting it on every
     * success keeps two nodes that share a key (a cloned machine) from knocking each other
     * off the relay many times a second: their waits grow to the maximum.
     */
    private static final Duration STABLE = Duration.ofSeconds(10);

    public enum State { CONNECTING, CONNECTED, BACKING_OFF, CLOSED }

    /** What the client reports; all calls come from the client's reader thread. */
    public interface Listener {
        /**
         * A packet from {@code src} through the relay. {@code buf} belongs to the client and
         * holds the packet only during this call: copy what you keep.
         */
        void onPacket(PublicKey src, byte[] buf, int off, int len);

        /** The relay says {@code peer} cannot be reached through it (now). */
        default void onPeerGone(PublicKey peer, PeerGoneReason reason) {}

        /** The relay's health message; "" means healthy again. */
        default void onHealth(String problem) {}

        default void onStateChange(State state, String detail) {}
    }

    private record PendingPing(long sentNanos, CompletableFuture<Duration> result) {}

    /** How long a sender waiting for queue space sleeps between looks. */
    private static final long SEND_WAIT_STEP_NANOS = 20_000;

    private final URI url;
    private final PrivateKey nodeKey;
    private final Listener listener;
    private final RelayClientOptions options;
    private final OutboundQueue queue;
    private final KeyCache sources = new KeyCache();
    private final ConcurrentHashMap<Long, PendingPing> pings = new ConcurrentHashMap<>();
    private final LongAdder packetsSent = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder sendDrops = new LongAdder();
    private final AtomicLong connects = new AtomicLong();
    private final Thread reader;
    private volatile long packetsReceived;
    private volatile long bytesReceived;
    private volatile boolean closed;
    private volatile boolean connected;
    private volatile Socket socket;
    private volatile Thread writer;
    private volatile State state = State.CONNECTING;
    private volatile String detail = "";
    private volatile String relayName;
    private volatile PublicKey relayKey;
    private volatile Instant connectedSince;
    private volatile Duration lastRtt;
    private volatile String health = "";
    private long restartWaitMillis = -1;
    private long restartUntilNanos = System.nanoTime();

    private RelayClient(URI url, PrivateKey nodeKey, Listener listener, RelayClientOptions options) {
        this.url = RelayDialer.validate(url);
        this.nodeKey = nodeKey;
        this.listener = listener;
        this.options = options;
        this.queue = new OutboundQueue(new BufferPool(2048, 1024), options.sendQueueFrames(), 16);
        this.reader = Thread.ofPlatform().daemon(true).name("relay-client " + url.getHost() + ":" + url.getPort())
                .unstarted(this::run);
    }

    /**
     * Starts a client that keeps a connection to the relay at {@code url}
     * ({@code http://HOST:PORT[/relay]}) for the node whose private key is {@code nodeKey}.
     */
    public static RelayClient start(URI url, PrivateKey nodeKey, Listener listener, RelayClientOptions options) {
        RelayClient c = new RelayClient(url, nodeKey, listener, options);
        c.reader.start();
        return c;
    }

    public URI url() {
        return url;
    }

    public boolean isConnected() {
        return connected;
    }

    /**
     * Queues {@code buf[off..off+len]} (a WireGuard packet) for {@code dst} through the
     * relay. Returns false, counting a drop, when not connected or the queue stayed full
     * for the send wait.
     */
    public boolean send(PublicKey dst, byte[] buf, int off, int len) {
        boolean queued = enqueue(dst, buf, off, len);
        flush();
        return queued;
    }

    /**
     * As {@link #send(PublicKey, byte[], int, int)} without waking the writer: for a batch
     * of packets (one read from the TUN), then {@link #flush()} once, so the batch goes out
     * in one write with one wake-up.
     */
    public boolean enqueue(PublicKey dst, byte[] buf, int off, int len) {
        byte[] f = claimSend(len);
        if (f == null) {
            return false;
        }
        int p = Frames.header(f, 0, RelayProto.SEND_PACKET, RelayProto.KEY_SIZE + len);
        dst.copyTo(f, p);
        System.arraycopy(buf, off, f, p + RelayProto.KEY_SIZE, len);
        return publishSend(f);
    }

    /** Wakes the writer for what {@link #enqueue} added. Cheap when there is nothing to do. */
    public void flush() {
        queue.wakeIfWaiting();
    }

    /** As {@link #send(PublicKey, byte[], int, int)} for the remaining bytes of {@code packet} (left unchanged). */
    public boolean send(PublicKey dst, ByteBuffer packet) {
        int len = packet.remaining();
        byte[] f = claimSend(len);
        if (f == null) {
            return false;
        }
        int p = Frames.header(f, 0, RelayProto.SEND_PACKET, RelayProto.KEY_SIZE + len);
        dst.copyTo(f, p);
        packet.get(packet.position(), f, p + RelayProto.KEY_SIZE, len);
        boolean queued = publishSend(f);
        flush();
        return queued;
    }

    private byte[] claimSend(int len) {
        if (len < 0 || len > RelayProto.MAX_PACKET) {
            throw new IllegalArgumentException("packet of " + len + " bytes; the relay carries at most "
                    + RelayProto.MAX_PACKET);
        }
        byte[] f = connected ? queue.claim(RelayProto.FRAME_HEADER + RelayProto.KEY_SIZE + len) : null;
        if (f == null) {
            sendDrops.increment();
        }
        return f;
    }

    private boolean publishSend(byte[] f) {
        if (queue.offer(f)) {
            return true;
        }
        long wait = options.sendWait().toNanos();
        if (wait > 0) {
            // Backpressure instead of loss: the queue drains as fast as TCP to the relay takes
            // it, so waiting here (the sender's thread) slows the source of the packets, the
            // TUN, where the kernel tells the local TCP sender at once, rather than dropping a
            // packet its TCP would only notice a round trip or more later.
            long deadline = System.nanoTime() + wait;
            queue.wakeIfWaiting();
            while (connected && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(SEND_WAIT_STEP_NANOS);
                if (queue.offer(f)) {
                    return true;
                }
            }
        }
        queue.release(f);
        sendDrops.increment();
        return false;
    }

    /**
     * Measures the round trip to the relay (for choosing the home relay by latency). Fails
     * with an IOException when not connected, a TimeoutException after the ping timeout.
     */
    public CompletableFuture<Duration> ping() {
        if (!connected) {
            return CompletableFuture.failedFuture(new IOException("not connected to relay " + url));
        }
        long id = ThreadLocalRandom.current().nextLong();
        PendingPing p = new PendingPing(System.nanoTime(), new CompletableFuture<>());
        pings.put(id, p);
        if (!queue.publishCopy(Frames.ping(id))) {
            pings.remove(id);
            return CompletableFuture.failedFuture(new IOException("relay send queue full"));
        }
        return p.result().orTimeout(options.pingTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((d, e) -> pings.remove(id));
    }

    public RelayClientStatus status() {
        return new RelayClientStatus(state, detail, url, relayName, relayKey, connected ? connectedSince : null,
                lastRtt, health, packetsSent.sum(), bytesSent.sum(), packetsReceived, bytesReceived, sendDrops.sum(),
                connects.get());
    }

    /** Stops for good: closes the connection, ends the threads, fails pending pings. */
    @Override
    public void close() {
        closed = true;
        reader.interrupt();
        closeSocket();
        queue.wakeWriter();
    }

    // ---- the reader thread --------------------------------------------------------------

    private void run() {
        Backoff backoff = new Backoff(options.minBackoff().toMillis(), options.maxBackoff().toMillis());
        while (!closed) {
            setState(State.CONNECTING, url.toString());
            String why;
            try {
                session();
                why = "relay closed the connection";
            } catch (SocketTimeoutException e) {
                why = "relay silent for too long";
            } catch (IOException e) {
                why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            } finally {
                disconnected();
            }
            if (closed) {
                break;
            }
            if (connectedSince != null && Duration.between(connectedSince, Instant.now()).compareTo(STABLE) >= 0) {
                backoff.reset();
            }
            long wait = nextWait(backoff);
            setState(State.BACKING_OFF, why + "; retrying in " + wait + " ms");
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                if (closed) {
                    break;
                }
            }
        }
        setState(State.CLOSED, "closed");
    }

    private long nextWait(Backoff backoff) {
        if (restartWaitMillis >= 0) {
            long w = restartWaitMillis;
            restartWaitMillis = -1;
            backoff.reset();
            return w;
        }
        long w = backoff.nextMillis();
        return System.nanoTime() - restartUntilNanos < 0 ? Math.min(w, RESTART_BACKOFF_CAP_MS) : w;
    }

    private void session() throws IOException {
        RelayDialer.Dialed d = RelayDialer.dial(url, options.connectTimeout(), options.handshakeTimeout());
        socket = d.socket();
        if (closed) {
            return;
        }
        FrameReader r = new FrameReader(d.in(), RelayProto.MAX_PAYLOAD, d.leftover());
        if (!r.next() || r.type() != RelayProto.SERVER_KEY) {
            throw new ProtocolException("not a tsj relay (no server key)");
        }
        RelayHandshake.ServerKey sk = RelayHandshake.parseServerKey(r.payloadCopy());
        if (options.expectedRelayKey() != null && !options.expectedRelayKey().equals(sk.relayKey())) {
            throw new ProtocolException("relay key " + sk.relayKey().shortString() + " is not the one in the netmap");
        }
        RelayHandshake.SessionKeys[] keys = new RelayHandshake.SessionKeys[1];
        d.out().write(RelayHandshake.clientInfoFrame(nodeKey, sk, keys));
        d.out().flush();
        ServerInfo info;
        try {
            if (!r.next()) {
                throw new IOException("relay closed the connection during the handshake");
            }
            if (r.type() == RelayProto.HEALTH) {
                throw new IOException("relay refused: " + text(r));
            }
            if (r.type() != RelayProto.SERVER_INFO) {
                throw new ProtocolException("relay sent frame type " + r.type() + " instead of server info");
            }
            info = RelayHandshake.openServerInfo(keys[0], r.payloadCopy());
        } finally {
            keys[0].destroy();
        }
        socket.setSoTimeout((int) info.deadAfter().toMillis());
        relayName = info.name();
        relayKey = sk.relayKey();
        connectedSince = Instant.now();
        health = "";
        connects.incrementAndGet();
        restartUntilNanos = System.nanoTime();
        Thread w = Thread.ofPlatform().daemon(true).name("relay-send " + info.name())
                .unstarted(() -> writeLoop(d.out(), info.keepAlive().toNanos()));
        writer = w;
        queue.setWriter(w);
        connected = true;
        w.start();
        setState(State.CONNECTED, info.name());
        readLoop(r);
    }

    private void readLoop(FrameReader r) throws IOException {
        while (r.next()) {
            byte[] b = r.buffer();
            int off = r.payloadOffset();
            int len = r.payloadLength();
            switch (r.type()) {
                case RelayProto.RECV_PACKET -> {
                    if (len < RelayProto.KEY_SIZE) {
                        throw new ProtocolException("receive frame shorter than a key");
                    }
                    PublicKey src = sources.lookup(b, off);
                    packetsReceived++;
                    bytesReceived += len - RelayProto.KEY_SIZE;
                    deliver(src, b, off + RelayProto.KEY_SIZE, len - RelayProto.KEY_SIZE);
                }
                case RelayProto.KEEP_ALIVE -> {
                    // reset the read timeout by arriving
                }
                case RelayProto.PING -> {
                    Frames.requireLength(r.type(), len, RelayProto.PING_SIZE);
                    queue.publishCopy(Frames.pong(b, off));
                }
                case RelayProto.PONG -> {
                    Frames.requireLength(r.type(), len, RelayProto.PING_SIZE);
                    pong(Frames.getLong(b, off));
                }
                case RelayProto.PEER_GONE -> {
                    Frames.requireLength(r.type(), len, RelayProto.KEY_SIZE + 1);
                    PublicKey peer = new PublicKey(Arrays.copyOfRange(b, off, off + RelayProto.KEY_SIZE));
                    notify(() -> listener.onPeerGone(peer, PeerGoneReason.of(b[off + RelayProto.KEY_SIZE] & 0xff)));
                }
                case RelayProto.HEALTH -> {
                    String h = text(r);
                    health = h;
                    notify(() -> listener.onHealth(h));
                }
                case RelayProto.RESTARTING -> {
                    Frames.requireLength(r.type(), len, 8);
                    long in = Math.max(0, Frames.getInt(b, off)) & 0xffffffffL;
                    long tryFor = Math.max(0, Frames.getInt(b, off + 4)) & 0xffffffffL;
                    restartWaitMillis = Math.min(in, options.maxBackoff().toMillis());
                    restartUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(in + tryFor);
                }
                case RelayProto.SERVER_KEY, RelayProto.CLIENT_INFO, RelayProto.SERVER_INFO, RelayProto.SEND_PACKET ->
                        throw new ProtocolException("relay sent frame type " + r.type());
                default -> {
                    // a newer relay's frame: skip it
                }
            }
        }
    }

    private void deliver(PublicKey src, byte[] b, int off, int len) {
        try {
            listener.onPacket(src, b, off, len);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "relay packet handler failed: " + e);
        }
    }

    private void notify(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "relay listener failed: " + e);
        }
    }

    private static String text(FrameReader r) {
        int n = Math.min(r.payloadLength(), RelayProto.MAX_HEALTH_TEXT);
        return new String(r.buffer(), r.payloadOffset(), n, StandardCharsets.UTF_8);
    }


    private void pong(long id) {
        PendingPing p = pings.remove(id);
        if (p != null) {
            Duration rtt = Duration.ofNanos(System.nanoTime() - p.sentNanos());
            lastRtt = rtt;
            p.result().complete(rtt);
        }
    }

    private void disconnected() {
        connected = false;
        closeSocket();
        Thread w = writer;
        if (w != null) {
            queue.wakeWriter();
            try {
                w.join(2000);
            } catch (InterruptedException e) {
                if (!closed) {
                    Thread.currentThread().interrupt();
                }
            }
            writer = null;
        }
        queue.drainAndRelease();
        IOException lost = new IOException("relay connection lost");
        for (Long id : pings.keySet()) {
            PendingPing p = pings.remove(id);
            if (p != null) {
                p.result().completeExceptionally(lost);
            }
        }
    }

    private void closeSocket() {
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private void setState(State s, String why) {
        state = s;
        detail = why;
        notify(() -> listener.onStateChange(s, why));
    }

    // ---- the writer thread --------------------------------------------------------------

    private void writeLoop(java.io.OutputStream out, long keepAliveNanos) {
        try {
            WriteLoop.run(queue, out, keepAliveNanos, new WriteLoop.Connection() {
                @Override
                public boolean stopped() {
                    return !connected || closed;
                }

                @Override
                public boolean draining() {
                    return false;
                }

                @Override
                public void written(byte[] frame, int length) {
                    if (frame[0] == RelayProto.SEND_PACKET) {
                        packetsSent.increment();
                        bytesSent.add(length - RelayProto.FRAME_HEADER - RelayProto.KEY_SIZE);
                    }
                }
            });
        } catch (IOException e) {
            closeSocket(); // the reader notices and reconnects
        }
    }
}
