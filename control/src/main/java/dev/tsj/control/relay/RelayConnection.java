package dev.tsj.control.relay;

import dev.tsj.control.relay.io.OutboundQueue;
import dev.tsj.control.relay.io.WriteLoop;
import dev.tsj.control.relay.proto.FrameReader;
import dev.tsj.control.relay.proto.Frames;
import dev.tsj.control.relay.proto.PeerGoneReason;
import dev.tsj.control.relay.proto.ProtocolException;
import dev.tsj.control.relay.proto.RelayHandshake;
import dev.tsj.control.relay.proto.RelayProto;
import dev.tsj.control.relay.proto.ServerInfo;
import dev.tsj.crypto.ConstantTime;
import dev.tsj.crypto.PublicKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One node's connection to the relay. The thread that accepted it runs the handshake and
 * then reads: each SEND_PACKET is copied once, with the source key in front, into a
 * pooled buffer on the destination's queue (or dropped if that queue is full, so a slow
 * node never holds up a fast one). A virtual thread per connection writes its queue to
 * the socket in batches and sends a keepalive when idle.
 */
final class RelayConnection {
    private static final long NOT_HERE_NOTICE_NANOS = 1_000_000_000L;
    private static final int MAX_SENDERS_BEFORE_PRUNE = 256;
    private static final long LINGER_NANOS = 2_000_000_000L;

    private final RelayServer server;
    private final RelayCounters counters;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] leftover;
    final OutboundQueue queue;
    /** Connections that have sent to this one: told when it goes (PEER_GONE). */
    final Set<RelayConnection> senders = ConcurrentHashMap.newKeySet();
    private final DestinationCache destinations = new DestinationCache();
    private final PendingWakes wakes = new PendingWakes();
    private final byte[] lastAbsent = new byte[RelayProto.KEY_SIZE];
    private long lastAbsentEpoch = -1;
    private long lastAbsentNotice;
    PublicKey nodeKey;
    byte[] keyBytes = new byte[RelayProto.KEY_SIZE];
    private volatile boolean closed;
    private volatile boolean draining;

    RelayConnection(RelayServer server, Socket socket, InputStream in, OutputStream out, byte[] leftover) {
        this.server = server;
        this.counters = server.counters;
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.leftover = leftover;
        this.queue = new OutboundQueue(server.pool(), server.config().sendQueueFrames(), RelayServerConfig.MAX_LARGE_QUEUED);
    }

    boolean isClosed() {
        return closed;
    }

    /** Runs the connection to its end on the calling thread. */
    void run() throws IOException {
        socket.setSoTimeout((int) RelayServerConfig.HANDSHAKE_TIMEOUT.toMillis());
        byte[] challenge = RelayHandshake.newChallenge();
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: " + RelayProto.UPGRADE_TOKEN
                + "\r\nConnection: Upgrade\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(RelayHandshake.serverKeyFrame(server.publicKey(), challenge));
        out.flush();
        FrameReader reader = new FrameReader(in, RelayProto.MAX_PAYLOAD, leftover);
        RelayHandshake.ClientProof proof;
        try {
            if (!reader.next()) {
                return; // left before trying to prove anything (a port scan, a timeout)
            }
            proof = reader.type() == RelayProto.CLIENT_INFO
                    ? RelayHandshake.openClientInfo(server.privateKey(), challenge, reader.payloadCopy()) : null;
        } catch (ProtocolException e) {
            proof = null;
        }
        if (proof == null) {
            counters.badClientInfo.increment();
            return;
        }
        if (!admit(proof.nodeKey())) {
            proof.keys().destroy();
            return;
        }
        nodeKey = proof.nodeKey();
        keyBytes = nodeKey.bytes();
        ServerInfo info = new ServerInfo(RelayProto.VERSION, server.config().keepAlive(), server.config().name());
        Thread writer = Thread.ofVirtual().name("relay-writer").unstarted(this::writeLoop);
        queue.setWriter(writer);
        // Registered before the client hears it is in, so "connected" means reachable.
        // Frames for it queue up until the writer starts, after the server info.
        server.register(this);
        try {
            out.write(RelayHandshake.serverInfoFrame(proof.keys(), info));
            out.flush();
        } catch (IOException e) {
            close();
            server.unregister(this);
            throw e;
        } finally {
            proof.keys().destroy();
        }
        socket.setSoTimeout((int) info.deadAfter().toMillis());
        writer.start();
        try {
            readLoop(reader);
        } catch (ProtocolException e) {
            counters.malformedFrames.increment();
        } catch (IOException e) {
            // gone, timed out, or closed by us
        } finally {
            close();
            server.unregister(this);
        }
    }

    private boolean admit(PublicKey key) throws IOException {
        Admission.Verdict v = server.admission().check(key);
        if (v == Admission.Verdict.ADMIT) {
            return true;
        }
        String why;
        if (v == Admission.Verdict.REFUSE) {
            counters.admissionRefused.increment();
            why = "node key is not a current node of this relay's tailnet";
        } else {
            counters.admissionUnavailable.increment();
            why = "relay cannot check node keys right now; retrying";
        }
        out.write(Frames.health(why));
        out.flush();
        socket.shutdownOutput();
        return false;
    }

    private void readLoop(FrameReader reader) throws IOException {
        try {
            while (reader.next()) {
                dispatch(reader);
                if (!reader.hasBufferedFrame()) {
                    wakes.wakeAll(); // the batch from this read is queued: wake its writers once
                }
            }
        } finally {
            wakes.wakeAll();
        }
    }

    private void dispatch(FrameReader reader) throws IOException {
        byte[] b = reader.buffer();
        int off = reader.payloadOffset();
        int len = reader.payloadLength();
        switch (reader.type()) {
            case RelayProto.SEND_PACKET -> {
                if (len < RelayProto.KEY_SIZE) {
                    throw new ProtocolException("send frame shorter than a key");
                }
                forward(b, off, len);
            }
            case RelayProto.PING -> {
                Frames.requireLength(reader.type(), len, RelayProto.PING_SIZE);
                counters.pings.increment();
                pong(b, off);
            }
            case RelayProto.PONG -> Frames.requireLength(reader.type(), len, RelayProto.PING_SIZE);
            case RelayProto.KEEP_ALIVE -> {
                // its arrival reset the read timeout; nothing else to do
            }
            case RelayProto.SERVER_KEY, RelayProto.CLIENT_INFO, RelayProto.SERVER_INFO, RelayProto.RECV_PACKET,
                 RelayProto.PEER_GONE, RelayProto.HEALTH, RelayProto.RESTARTING ->
                    throw new ProtocolException("client sent frame type " + reader.type());
            default -> counters.unknownFrames.increment();
        }
    }

    /** The packet path: destination by key, one copy into its queue. */
    private void forward(byte[] b, int off, int len) {
        RelayConnection dst = destinations.find(b, off);
        if (dst == null) {
            dst = lookup(b, off);
            if (dst == null) {
                return;
            }
        }
        byte[] f = dst.queue.claim(RelayProto.FRAME_HEADER + len);
        if (f == null) {
            counters.dropsQueueFull.increment();
            return;
        }
        int p = Frames.header(f, 0, RelayProto.RECV_PACKET, len);
        System.arraycopy(keyBytes, 0, f, p, RelayProto.KEY_SIZE);
        System.arraycopy(b, off + RelayProto.KEY_SIZE, f, p + RelayProto.KEY_SIZE, len - RelayProto.KEY_SIZE);
        if (dst.queue.publishQuietly(f)) {
            wakes.add(dst.queue);
        } else {
            counters.dropsQueueFull.increment();
        }
    }

    /** Off the fast path: a destination not in the cache. */
    private RelayConnection lookup(byte[] b, int off) {
        long epoch = server.epoch();
        boolean sameAbsent = epoch == lastAbsentEpoch
                && ConstantTime.equals(lastAbsent, 0, b, off, RelayProto.KEY_SIZE);
        RelayConnection dst = sameAbsent ? null : server.find(b, off);
        if (dst == null) {
            counters.dropsUnknownDestination.increment();
            long now = System.nanoTime();
            if (!sameAbsent || now - lastAbsentNotice >= NOT_HERE_NOTICE_NANOS) {
                System.arraycopy(b, off, lastAbsent, 0, RelayProto.KEY_SIZE);
                lastAbsentEpoch = epoch;
                lastAbsentNotice = now;
                queue.publishCopy(Frames.peerGone(b, off, PeerGoneReason.NOT_HERE));
            }
            return null;
        }
        destinations.put(dst);
        if (dst.senders.add(this) && dst.senders.size() > MAX_SENDERS_BEFORE_PRUNE) {
            dst.senders.removeIf(RelayConnection::isClosed);
        }
        return dst;
    }

    private void pong(byte[] b, int off) {
        byte[] f = queue.claim(RelayProto.FRAME_HEADER + RelayProto.PING_SIZE);
        if (f != null) {
            int p = Frames.header(f, 0, RelayProto.PONG, RelayProto.PING_SIZE);
            System.arraycopy(b, off, f, p, RelayProto.PING_SIZE);
            queue.publish(f);
        }
    }

    private void writeLoop() {
        try {
            WriteLoop.run(queue, out, server.config().keepAlive().toNanos(), new WriteLoop.Connection() {
                @Override
                public boolean stopped() {
                    return closed;
                }

                @Override
                public boolean draining() {
                    return draining;
                }

                @Override
                public void written(byte[] frame, int length) {
                    if (frame[0] == RelayProto.RECV_PACKET) {
                        counters.packetsRelayed.increment();
                        counters.bytesRelayed.add(length - RelayProto.FRAME_HEADER - RelayProto.KEY_SIZE);
                    }
                }
            });
            if (draining && !closed) {
                lingeringClose();
            }
        } catch (IOException e) {
            // the reader sees the socket fail too and cleans up
        } finally {
            close();
            queue.drainAndRelease();
        }
    }

    /**
     * Half-closes and gives the client a moment to read the last frame and hang up: closing
     * with its keepalives still unread would send a reset, and a reset can discard the
     * frame before the client reads it.
     */
    private void lingeringClose() throws IOException {
        socket.shutdownOutput();
        long end = System.nanoTime() + LINGER_NANOS;
        while (!closed && System.nanoTime() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Sends {@code last} (and whatever is queued), then closes. */
    void closeGracefully(byte[] last) {
        queue.publishCopy(last);
        draining = true;
        queue.wakeWriter();
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        queue.wakeWriter();
    }
}
