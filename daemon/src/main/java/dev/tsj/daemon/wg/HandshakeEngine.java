package dev.tsj.daemon.wg;

import static dev.tsj.crypto.WireGuardSpec.*;

import dev.tsj.crypto.ChaChaPoly;
import dev.tsj.crypto.CookieChecker;
import dev.tsj.crypto.Handshake;
import dev.tsj.crypto.StaticIdentity;
import dev.tsj.crypto.Transport;
import dev.tsj.crypto.TransportKeys;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Everything about a peer that is not bulk data: received handshake messages (on one
 * bounded queue and thread, so a flood costs a bounded amount of work), initiations,
 * keypair installation and rotation, keepalives, staged packets and the timers.
 */
final class HandshakeEngine {
    private static final Logger LOG = Logger.getLogger(HandshakeEngine.class.getName());
    /** Bound of the received-handshake queue (wireguard-go's QueueHandshakeSize). */
    static final int QUEUE_HANDSHAKE_SIZE = 1024;
    /** The device is "under load" once the queue is this full, and for a second after. */
    static final int UNDER_LOAD_QUEUE_SIZE = QUEUE_HANDSHAKE_SIZE / 8;
    static final long UNDER_LOAD_AFTER_TIME = 1_000_000_000L;

    private final Device device;
    private final ArrayBlockingQueue<Received> queue = new ArrayBlockingQueue<>(QUEUE_HANDSHAKE_SIZE);
    private final Thread worker;
    private final ExecutorService initiator;
    private final SourceRateLimiter rateLimiter = new SourceRateLimiter();
    private volatile long underLoadUntil;
    private volatile boolean forceUnderLoad;

    private record Received(byte[] message, InetSocketAddress from) {}

    HandshakeEngine(Device device) {
        this.device = device;
        worker = new Thread(this::drain, "wg-handshake");
        worker.setDaemon(true);
        worker.start();
        initiator = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "wg-initiate");
            t.setDaemon(true);
            return t;
        });
    }

    void close() {
        worker.interrupt();
        initiator.shutdownNow();
    }

    /** Tests and benchmarks can hold the device in its under-load state. */
    void setForceUnderLoad(boolean on) {
        forceUnderLoad = on;
    }

    // ------------------------------------------------------------ received messages

    /** From the UDP thread: queue a handshake message, dropping it if the queue is full. */
    void enqueue(ByteBuffer slot, int len, InetSocketAddress from) {
        byte[] msg = new byte[len];
        slot.get(0, msg, 0, len);
        if (!queue.offer(new Received(msg, from))) {
            device.counters.handshakesDroppedQueueFull.increment();
        }
        if (queue.size() >= UNDER_LOAD_QUEUE_SIZE) {
            underLoadUntil = device.clock.nanoTime() + UNDER_LOAD_AFTER_TIME;
        }
    }

    boolean underLoad(long now) {
        return forceUnderLoad || now - underLoadUntil < 0;
    }

    private void drain() {
        long lastEviction = device.clock.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            Received r;
            try {
                r = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            long now = device.clock.nanoTime();
            if (now - lastEviction > UNDER_LOAD_AFTER_TIME) {
                rateLimiter.evictIdle(now); // the limiter belongs to this thread
                lastEviction = now;
            }
            if (r == null) {
                continue;
            }
            try {
                process(r.message, r.from);
            } catch (RuntimeException e) {
                LOG.warning("handshake processing failed: " + e);
            }
        }
    }

    private static byte[] sourceBytes(InetSocketAddress from) {
        byte[] ip = from.getAddress().getAddress();
        byte[] out = new byte[ip.length + 2];
        System.arraycopy(ip, 0, out, 0, ip.length);
        out[ip.length] = (byte) (from.getPort() >>> 8);
        out[ip.length + 1] = (byte) from.getPort();
        return out;
    }

    private void process(byte[] msg, InetSocketAddress from) {
        StaticIdentity id = device.identity;
        CookieChecker checker = device.cookieChecker;
        UdpBind bind = device.bind;
        if (id == null || checker == null || bind == null) {
            return;
        }
        long now = device.clock.nanoTime();
        if (!checker.checkMac1(msg, msg.length)) {
            device.counters.invalidMac.increment();
            return;
        }
        if (underLoad(now)) {
            byte[] src = sourceBytes(from);
            if (!checker.checkMac2(msg, msg.length, src, now)) {
                device.reply(from, checker.createReply(msg, msg.length, src, now));
                device.counters.cookieRepliesSent.increment();
                return;
            }
            if (!rateLimiter.allow(from.getAddress(), now)) {
                device.counters.handshakesRateLimited.increment();
                return;
            }
        }
        device.counters.handshakesProcessed.increment();
        if (msg[0] == MESSAGE_INITIATION_TYPE) {
            consumeInitiation(id, msg, from, now);
        } else {
            consumeResponse(msg, from, now);
        }
    }

    private void consumeInitiation(StaticIdentity id, byte[] msg, InetSocketAddress from, long now) {
        Handshake.Initiation init = Handshake.parseInitiation(id, msg);
        if (init == null) {
            return;
        }
        Peer peer = device.peer(init.initiator());
        if (peer == null) {
            LOG.fine(() -> "initiation from unknown key " + init.initiator().shortString());
            return;
        }
        Handshake hs = peer.handshake;
        Handshake.Refusal refusal = hs.acceptInitiation(init, now);
        if (refusal != Handshake.Refusal.NONE) {
            LOG.fine(() -> peer + ": initiation refused: " + refusal);
            return;
        }
        learnEndpoint(peer, from);
        peer.timers.anyAuthenticatedPacketTraversal(now, peer.persistentKeepaliveSeconds());
        peer.timers.anyAuthenticatedPacketReceived();
        Keypair kp;
        byte[] response;
        synchronized (peer) {
            // An index of its own: our initiation in flight (peer.handshakeIndex) stays valid.
            int index = device.indexes.newIndex(peer);
            response = hs.createResponse(index);
            if (response == null) {
                device.indexes.release(index);
                return;
            }
            TransportKeys keys = hs.deriveResponderKeys();
            kp = new Keypair(peer, keys, index, hs.responderRemoteIndex(), false, now);
            device.indexes.bind(index, kp);
            // Responder: the new keys wait in "next" until the initiator uses them.
            device.retire(peer.next);
            peer.next = kp;
            device.retire(peer.previous);
            peer.previous = null;
        }
        peer.cookies.addMacs(response, now);
        sendHandshakeMessage(peer, response, now);
        peer.timers.sessionDerived(now);
        LOG.fine(() -> peer + ": answered handshake initiation");
    }

    private void consumeResponse(byte[] msg, InetSocketAddress from, long now) {
        IndexTable.Entry e = device.indexes.lookup(Handshake.getIndex(msg, OFFSET_RESPONSE_RECEIVER));
        if (e == null || e.keypair() != null) {
            return;
        }
        Peer peer = e.peer();
        Handshake hs = peer.handshake;
        if (!hs.consumeResponse(msg)) {
            return;
        }
        synchronized (peer) {
            TransportKeys keys = hs.deriveInitiatorKeys();
            if (keys == null) {
                return;
            }
            int index = peer.handshakeIndex;
            Keypair kp = new Keypair(peer, keys, index, hs.initiatorRemoteIndex(), true, now);
            peer.handshakeIndex = 0;
            device.indexes.bind(index, kp);
            // Initiator: the new keys are confirmed and become current at once.
            Keypair oldNext = peer.next;
            if (oldNext != null) {
                peer.next = null;
                device.retire(peer.previous);
                peer.previous = oldNext;
            } else {
                device.retire(peer.previous);
                peer.previous = peer.current;
            }
            peer.current = kp;
        }
        learnEndpoint(peer, from);
        peer.timers.anyAuthenticatedPacketTraversal(now, peer.persistentKeepaliveSeconds());
        peer.timers.anyAuthenticatedPacketReceived();
        peer.timers.handshakeComplete();
        peer.timers.sessionDerived(now);
        peer.handshakeCompleted(device.clock.wallTime());
        LOG.info(peer + ": handshake completed (we initiated)");
        sendStagedOrKeepalive(peer);
    }

    /** A handshake's UDP source becomes the peer's endpoint (roaming); relayed ones do not. */
    private void learnEndpoint(Peer peer, InetSocketAddress from) {
        if (!(from instanceof RelayedFrom) && (device.paths == null || peer.endpoint() == null)) {
            peer.setEndpoint(from);
        }
    }

    /** Called by the receive path when the first packet arrives on a responder's "next" keys. */
    boolean confirmNext(Peer peer, Keypair kp) {
        synchronized (peer) {
            if (peer.next != kp) {
                return false;
            }
            device.retire(peer.previous);
            peer.previous = peer.current;
            peer.current = kp;
            peer.next = null;
        }
        peer.timers.handshakeComplete();
        peer.handshakeCompleted(device.clock.wallTime());
        LOG.info(peer + ": handshake completed (peer initiated)");
        submit(() -> sendStaged(peer));
        return true;
    }

    void consumeCookieReply(ByteBuffer slot, int len) {
        IndexTable.Entry e = device.indexes.lookup(Transport.receiverIndex(slot, 0));
        if (e == null) {
            return;
        }
        byte[] reply = new byte[len];
        slot.get(0, reply, 0, len);
        if (e.peer().cookies.consumeReply(reply, device.clock.nanoTime())) {
            LOG.fine(() -> e.peer() + ": got a cookie (peer under load)");
        }
    }

    private int newHandshakeIndex(Peer peer) {
        if (peer.handshakeIndex != 0) {
            device.indexes.release(peer.handshakeIndex);
        }
        int index = device.indexes.newIndex(peer);
        peer.handshakeIndex = index;
        return index;
    }

    // ------------------------------------------------------------ initiations

    /** Asks for a handshake with {@code peer}; runs on the initiation thread. */
    void requestInitiation(Peer peer, boolean retry) {
        if (!retry && device.clock.nanoTime() - peer.timers.lastHandshakeSent < REKEY_TIMEOUT) {
            return; // rate limit before queueing anything: this runs per packet
        }
        if (peer.initiationQueued.compareAndSet(false, true)) {
            submit(() -> {
                peer.initiationQueued.set(false);
                initiate(peer, retry);
            });
        }
    }

    private void submit(Runnable task) {
        try {
            initiator.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the device is shutting down
        }
    }

    private void initiate(Peer peer, boolean retry) {
        StaticIdentity id = device.identity;
        if (id == null || device.bind == null || device.peer(peer.publicKey()) != peer) {
            return;
        }
        long now = device.clock.nanoTime();
        if (device.route(peer) == null) {
            device.counters.droppedNoEndpoint.increment();
            return; // nowhere to send it: try again as soon as an endpoint or relay is known
        }
        if (!retry) {
            if (now - peer.timers.lastHandshakeSent < REKEY_TIMEOUT) {
                return;
            }
            peer.timers.handshakeAttempts = 0;
        }
        peer.timers.lastHandshakeSent = now;
        byte[] msg;
        synchronized (peer) {
            msg = peer.handshake.createInitiation(newHandshakeIndex(peer), device.clock.wallTime());
        }
        if (msg == null) {
            return;
        }
        peer.cookies.addMacs(msg, now);
        sendHandshakeMessage(peer, msg, now);
        peer.timers.handshakeInitiated(now);
    }

    private void sendHandshakeMessage(Peer peer, byte[] msg, long now) {
        if (!device.transmit(peer, msg)) {
            return;
        }
        peer.txBytes.addAndGet(msg.length);
        peer.timers.anyAuthenticatedPacketTraversal(now, peer.persistentKeepaliveSeconds());
        peer.timers.anyAuthenticatedPacketSent();
    }

    // ------------------------------------------------------------ keepalives and staged data

    /** Sends an empty transport packet, or starts a handshake when there is no session. */
    void sendKeepalive(Peer peer) {
        if (peer.flushQueued.compareAndSet(false, true)) {
            submit(() -> {
                peer.flushQueued.set(false);
                sendStagedOrKeepalive(peer);
            });
        }
    }

    private void sendStagedOrKeepalive(Peer peer) {
        if (peer.hasStaged()) {
            sendStaged(peer);
            return;
        }
        long now = device.clock.nanoTime();
        Keypair kp = peer.current;
        if (kp == null || kp.expired(now)) {
            initiate(peer, false);
            return;
        }
        if (device.route(peer) == null) {
            return;
        }
        long counter = kp.nextCounter();
        if (counter < 0) {
            return;
        }
        ByteBuffer b = ByteBuffer.allocate(MESSAGE_TRANSPORT_MIN_SIZE);
        int n = Transport.seal(ChaChaPoly.forThread(), kp.sendKey(), kp.remoteIndex, counter, b, 0, 0, device.mtu);
        if (!device.transmit(peer, b.array())) {
            return;
        }
        peer.txBytes.addAndGet(n);
        peer.timers.anyAuthenticatedPacketTraversal(now, peer.persistentKeepaliveSeconds());
        peer.timers.anyAuthenticatedPacketSent();
    }

    /** Sends what was staged while the peer had no session (on the initiation thread). */
    void sendStaged(Peer peer) {
        long now = device.clock.nanoTime();
        Keypair kp = peer.current;
        if (kp == null || kp.expired(now)) {
            if (peer.hasStaged()) {
                initiate(peer, false);
            }
            return;
        }
        if (device.route(peer) == null || device.bind == null) {
            return;
        }
        ByteBuffer buf = ByteBuffer.allocate(MESSAGE_TRANSPORT_HEADER_SIZE + 65535 + 2 * AEAD_TAG_SIZE);
        byte[] packet;
        boolean sent = false;
        while ((packet = peer.pollStaged()) != null) {
            long counter = kp.nextCounter();
            if (counter < 0) {
                initiate(peer, false);
                break;
            }
            buf.put(MESSAGE_TRANSPORT_HEADER_SIZE, packet);
            int n = Transport.seal(ChaChaPoly.forThread(), kp.sendKey(), kp.remoteIndex, counter, buf, 0, packet.length, device.mtu);
            byte[] msg = new byte[n]; // staged packets are few: a copy each keeps this simple
            buf.get(0, msg, 0, n);
            device.transmit(peer, msg);
            peer.txBytes.addAndGet(n);
            sent = true;
        }
        if (sent) {
            peer.timers.anyAuthenticatedPacketTraversal(now, peer.persistentKeepaliveSeconds());
            peer.timers.anyAuthenticatedPacketSent();
            peer.timers.dataSent(now);
        }
    }

    // ------------------------------------------------------------ timers

    void runTimers(Peer p, long now) {
        PeerTimers t = p.timers;
        if (PeerTimers.due(t.retransmitAt, now)) {
            t.retransmitAt = 0;
            if (t.handshakeAttempts >= PeerTimers.MAX_TIMER_HANDSHAKES) {
                LOG.info(p + ": handshake did not complete after " + (t.handshakeAttempts + 1) + " attempts, giving up");
                p.clearStaged();
                if (t.zeroKeysAt == 0) {
                    t.zeroKeysAt = now + ZERO_KEYS_AFTER;
                }
            } else {
                t.handshakeAttempts++;
                LOG.fine(() -> p + ": handshake did not complete after " + REKEY_TIMEOUT / 1_000_000_000L + " s, retrying");
                requestInitiation(p, true);
            }
        }
        if (PeerTimers.due(t.keepaliveAt, now)) {
            t.keepaliveAt = 0;
            sendKeepalive(p);
        }
        if (PeerTimers.due(t.newHandshakeAt, now)) {
            t.newHandshakeAt = 0;
            LOG.fine(() -> p + ": no reply to data for " + (KEEPALIVE_TIMEOUT + REKEY_TIMEOUT) / 1_000_000_000L + " s, rehandshaking");
            requestInitiation(p, false);
        }
        if (PeerTimers.due(t.zeroKeysAt, now)) {
            t.zeroKeysAt = 0;
            LOG.fine(() -> p + ": no new keys for " + ZERO_KEYS_AFTER / 1_000_000_000L + " s, zeroing old ones");
            device.zeroKeys(p);
        }
        if (PeerTimers.due(t.persistentKeepaliveAt, now)) {
            t.persistentKeepaliveAt = 0;
            sendKeepalive(p);
        }
    }


    /** Sender-side "keep keys fresh": an initiator rekeys after REKEY_AFTER_TIME or messages. */
    void keepKeyFreshSending(Peer peer, Keypair kp, long now) {
        if (kp.initiator && (now - kp.created > REKEY_AFTER_TIME
                || Long.compareUnsigned(kp.sentCount(), REKEY_AFTER_MESSAGES) > 0)) {
            requestInitiation(peer, false);
        }
    }

    /** Receiver-side: an initiator whose keys near REJECT_AFTER_TIME rehandshakes once. */
    void keepKeyFreshReceiving(Peer peer, Keypair kp, long now) {
        if (kp.initiator && !peer.timers.sentLastMinuteHandshake && now - kp.created > REKEY_AFTER_TIME_RECEIVING) {
            peer.timers.sentLastMinuteHandshake = true;
            requestInitiation(peer, false);
        }
    }
}
