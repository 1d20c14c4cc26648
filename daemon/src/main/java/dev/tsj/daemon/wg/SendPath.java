package dev.tsj.daemon.wg;

import static dev.tsj.crypto.WireGuardSpec.*;

import dev.tsj.crypto.ChaChaPoly;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.logging.Logger;

/**
 * Outbound: reads batches of packets from the packet device into buffers with 16 bytes
 * of headroom, picks each packet's peer by destination (cryptokey routing) and the next
 * nonce of the peer's current keys, seals the packets in place and hands them to UDP.
 * Packets for a peer without a session are staged and a handshake is requested.
 *
 * <p>With crypto workers, the reader ({@code wg-send}) only routes and numbers packets;
 * workers seal whole batches in parallel, and the output thread ({@code wg-send-out})
 * sends them in reading order. Without workers one thread does it all, batch by batch.
 */
final class SendPath {
    private static final Logger LOG = Logger.getLogger(SendPath.class.getName());
    /** Batches per path: enough to keep two workers and the output thread busy. */
    static final int BATCHES = 4;

    private final Device device;
    private final CryptoWorkers workers;
    private final Thread reader;
    private final Thread output;
    private final ArrayBlockingQueue<OutboundBatch> free = new ArrayBlockingQueue<>(BATCHES);
    private final ArrayBlockingQueue<OutboundBatch> inOrder = new ArrayBlockingQueue<>(BATCHES);
    private final int batchSize;
    private final int capacity;

    // Owned by whichever thread transmits (the output thread, or the reader without workers).
    private UdpBind batchBind;
    private UdpBind.Batch udp;

    SendPath(Device device, CryptoWorkers workers) {
        this.device = device;
        this.workers = workers;
        batchSize = device.tun.batchSize();
        capacity = MESSAGE_TRANSPORT_HEADER_SIZE + Math.max(device.mtu, 1280) + 2 * AEAD_TAG_SIZE;
        int batches = workers == null ? 1 : BATCHES;
        for (int i = 0; i < batches; i++) {
            free.add(new OutboundBatch(batchSize, capacity, device.mtu));
        }
        reader = new Thread(this::read, "wg-send");
        reader.setDaemon(true);
        output = workers == null ? null : new Thread(() -> PipelineBatch.drainInOrder(inOrder, device::isClosed, this::transmit), "wg-send-out");
        if (output != null) {
            output.setDaemon(true);
        }
    }

    void start() {
        reader.start();
        if (output != null) {
            output.start();
        }
    }

    void join() {
        try {
            reader.join(2000);
            if (output != null) {
                output.interrupt();
                output.join(2000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void read() {
        ChaChaPoly aead = workers == null ? ChaChaPoly.forThread() : null;
        while (!device.isClosed()) {
            OutboundBatch b;
            try {
                b = free.take();
            } catch (InterruptedException e) {
                return;
            }
            int n;
            try {
                n = device.tun.read(b.bufs, b.sizes, MESSAGE_TRANSPORT_HEADER_SIZE);
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException e) {
                free.add(b);
                if (device.isClosed()) {
                    return;
                }
                LOG.warning("reading from " + device.tun.name() + ": " + e.getMessage());
                continue;
            }
            b.count = n;
            if (device.bind == null || device.identity == null) {
                b.count = 0;
            }
            long now = device.clock.nanoTime();
            for (int i = 0; i < b.count; i++) {
                route(b, i, now);
            }
            b.reset();
            if (workers == null) {
                b.run(aead);
                transmit(b);
                continue;
            }
            inOrder.add(b); // never full: it holds at most the batches there are
            workers.submit(b);
        }
    }

    /** Decides packet {@code i}'s peer, keys and nonce, or stages or drops it. */
    private void route(OutboundBatch b, int i, long now) {
        b.keypairs[i] = null;
        ByteBuffer buf = b.bufs[i];
        int len = b.sizes[i];
        int off = MESSAGE_TRANSPORT_HEADER_SIZE;
        int version = IpPacket.version(buf, off, len);
        Peer peer;
        if (version == 4) {
            peer = device.allowedIps.lookup4(IpPacket.dst4(buf, off));
        } else if (version == 6) {
            peer = device.allowedIps.lookup6(IpPacket.dst6Hi(buf, off), IpPacket.dst6Lo(buf, off));
        } else {
            device.counters.droppedMalformed.increment();
            return;
        }
        if (peer == null) {
            device.counters.droppedNoPeer.increment();
            return;
        }
        InetSocketAddress to = device.route(peer);
        if (to == null) {
            device.counters.droppedNoEndpoint.increment();
            return;
        }
        PathProvider paths = device.paths;
        if (paths != null) {
            paths.noteTraffic(peer);
        }
        device.filter.outbound(buf, off, len);
        Keypair kp = peer.current;
        long counter;
        if (kp == null || now - kp.created >= REJECT_AFTER_TIME || peer.hasStaged()
                || (counter = kp.nextCounter()) < 0) {
            // No usable session, or older packets still wait: keep order by staging.
            peer.stage(buf, off, len);
            if (kp != null && peer.hasSession(now)) {
                device.handshakes.sendKeepalive(peer); // flushes the staged queue
            } else {
                device.handshakes.requestInitiation(peer, false);
            }
            return;
        }
        b.keypairs[i] = kp;
        b.counters[i] = counter;
        b.endpoints[i] = to;
    }

    /** The relay path: a copy per packet is fine here, it is the slow path by nature. */
    private void relay(Peer peer, ByteBuffer buf, int len) {
        PathProvider paths = device.paths;
        byte[] out = new byte[len];
        buf.get(0, out, 0, len);
        if (paths == null || !paths.sendViaRelay(peer.publicKey(), out, 0, len)) {
            device.counters.droppedNoEndpoint.increment();
        }
    }

    /** Sends a sealed batch, updates the peers' timers, and returns the batch to the pool. */
    private void transmit(OutboundBatch b) {
        try {
            UdpBind bind = device.bind;
            if (bind == null) {
                return;
            }
            if (bind != batchBind) {
                udp = bind.newBatch(batchSize, capacity);
                batchBind = bind;
            }
            udp.expect(b.count);
            long now = device.clock.nanoTime();
            for (int i = 0; i < b.count; i++) {
                int sealed = b.sealed[i];
                if (sealed < 0) {
                    continue;
                }
                Keypair kp = b.keypairs[i];
                Peer peer = kp.peer;
                if (b.endpoints[i] == Device.VIA_RELAY) {
                    relay(peer, b.bufs[i], sealed);
                } else {
                    udp.add(b.endpoints[i], b.bufs[i], 0, sealed);
                }
                peer.txBytes.addAndGet(sealed);
                PeerTimers t = peer.timers;
                t.anyAuthenticatedPacketTraversal(now, peer.persistentKeepaliveSeconds());
                t.anyAuthenticatedPacketSent();
                t.dataSent(now);
                device.handshakes.keepKeyFreshSending(peer, kp, now);
            }
            udp.send();
        } finally {
            b.clear();
            free.add(b);
        }
    }
}
