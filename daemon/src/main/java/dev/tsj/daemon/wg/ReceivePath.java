package dev.tsj.daemon.wg;

import static dev.tsj.crypto.WireGuardSpec.*;

import dev.tsj.crypto.ChaChaPoly;
import dev.tsj.crypto.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Inbound: datagrams from the UDP thread, dispatched by message type. Handshake messages
 * go to the handshake queue. Transport messages are gathered in a batch with the keypair
 * their receiver index names; the batch is opened in place, then, in arrival order, each
 * packet is checked (replay window, the source address against the sending peer's allowed
 * IPs, the tap, the packet filter) and the batch is written to the packet device at once.
 *
 * <p>With crypto workers a full batch goes to a worker and the output thread
 * ({@code wg-recv-out}) checks and writes batches in the order they were read; without,
 * the UDP thread does it all at the end of each read batch. Either way a peer's packets
 * reach the TUN in arrival order.
 */
final class ReceivePath implements UdpBind.Sink, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ReceivePath.class.getName());
    static final int BATCH = NettyUdpBind.RECEIVE_BATCH;
    static final int BATCHES = 4;

    private final Device device;
    private final CryptoWorkers workers;
    private final ArrayBlockingQueue<InboundBatch> free = new ArrayBlockingQueue<>(BATCHES);
    private final ArrayBlockingQueue<InboundBatch> inOrder = new ArrayBlockingQueue<>(BATCHES);
    private final Thread output;
    private final ChaChaPoly inlineAead;
    /** The batch the UDP thread is filling. */
    private InboundBatch filling;
    /** Where the UDP thread copies a datagram whose type is not known yet, when the batch has no slot to spare. */
    private final ByteBuffer spare;

    ReceivePath(Device device, CryptoWorkers workers) {
        this.device = device;
        this.workers = workers;
        int slotSize = Math.max(2048, MESSAGE_TRANSPORT_HEADER_SIZE + device.mtu + 2 * AEAD_TAG_SIZE + 64);
        int batches = workers == null ? 1 : BATCHES;
        for (int i = 0; i < batches; i++) {
            free.add(new InboundBatch(BATCH, slotSize));
        }
        spare = ByteBuffer.allocate(slotSize);
        filling = free.poll();
        inlineAead = workers == null ? new ChaChaPoly() : null;
        output = workers == null ? null : new Thread(() -> PipelineBatch.drainInOrder(inOrder, device::isClosed, this::deliver), "wg-recv-out");
        if (output != null) {
            output.setDaemon(true);
            output.start();
        }
    }

    @Override
    public ByteBuffer slot() {
        InboundBatch b = filling;
        return b != null ? b.slots[b.count] : spare;
    }

    /** A message from the relay, on the UDP thread: into a slot and through {@link #datagram}. */
    void acceptRelayed(byte[] data, RelayedFrom from) {
        ByteBuffer slot = slot();
        if (data.length > slot.capacity()) {
            device.counters.droppedMalformed.increment();
            return;
        }
        slot.put(0, data);
        datagram(slot, data.length, from);
        batchEnd();
    }

    @Override
    public void datagram(ByteBuffer slot, int len, InetSocketAddress from) {
        if (len < 4 || (slot.get(1) | slot.get(2) | slot.get(3)) != 0 || slot.get(0) < 1 || slot.get(0) > 4) {
            PathProvider pp = device.paths;
            if (pp == null || !pp.intercept(slot, len, from)) {
                device.counters.droppedMalformed.increment();
            }
            return;
        }
        switch (slot.get(0)) {
            case MESSAGE_INITIATION_TYPE -> handshake(slot, len, MESSAGE_INITIATION_SIZE, from);
            case MESSAGE_RESPONSE_TYPE -> handshake(slot, len, MESSAGE_RESPONSE_SIZE, from);
            case MESSAGE_COOKIE_REPLY_TYPE -> {
                if (len == MESSAGE_COOKIE_REPLY_SIZE) {
                    device.handshakes.consumeCookieReply(slot, len);
                } else {
                    device.counters.droppedMalformed.increment();
                }
            }
            case MESSAGE_TRANSPORT_TYPE -> transport(slot, len, from);
            default -> device.counters.droppedMalformed.increment();
        }
    }

    private void handshake(ByteBuffer slot, int len, int expected, InetSocketAddress from) {
        if (len != expected) {
            device.counters.droppedMalformed.increment();
            return;
        }
        device.handshakes.enqueue(slot, len, from);
    }

    /** Takes a transport message into the batch (its slot is already the next one), or drops it. */
    private void transport(ByteBuffer slot, int len, InetSocketAddress from) {
        InboundBatch b = filling;
        if (b == null) {
            device.counters.droppedMalformed.increment(); // closing: no batch to take it
            return;
        }
        if (len < MESSAGE_TRANSPORT_MIN_SIZE) {
            device.counters.droppedMalformed.increment();
            return;
        }
        IndexTable.Entry e = device.indexes.lookup(Transport.receiverIndex(slot, 0));
        Keypair kp = e == null ? null : e.keypair();
        if (kp == null || device.clock.nanoTime() - kp.created >= REJECT_AFTER_TIME) {
            device.counters.droppedUnknownIndex.increment();
            return;
        }
        int i = b.count++;
        b.lengths[i] = len;
        b.keypairs[i] = kp;
        b.counters[i] = Transport.counter(slot, 0);
        b.sources[i] = from;
        if (b.full()) {
            publish();
        }
    }

    @Override
    public void batchEnd() {
        if (filling != null && filling.count > 0) {
            publish();
        }
    }

    /** Hands the filled batch on (to a worker, or opens and delivers it here) and takes a fresh one. */
    private void publish() {
        InboundBatch b = filling;
        b.reset();
        if (workers == null) {
            b.run(inlineAead);
            deliver(b);
            return; // deliver put it back; it is the only one
        }
        inOrder.add(b); // never full: it holds at most the batches there are
        workers.submit(b);
        filling = null;
        try {
            // Wait for a batch to come back, as a full socket buffer would make a sender wait.
            while (filling == null && !device.isClosed()) {
                filling = free.poll(100, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Checks the opened packets in order, writes those that pass to the TUN, and returns the batch. */
    private void deliver(InboundBatch b) {
        int accepted = 0;
        try {
            long now = device.clock.nanoTime();
            for (int i = 0; i < b.count; i++) {
                if (accept(b, i, now)) {
                    b.out[accepted] = b.slots[i];
                    b.outSizes[accepted] = b.plain[i];
                    accepted++;
                }
            }
            if (accepted > 0) {
                device.tun.write(b.out, b.outSizes, MESSAGE_TRANSPORT_HEADER_SIZE, accepted);
            }
        } catch (IOException e) {
            if (!device.isClosed()) {
                LOG.warning("writing to " + device.tun.name() + ": " + e.getMessage());
            }
        } finally {
            b.clear();
            if (workers != null) {
                free.add(b);
            }
        }
    }

    /**
     * The checks after decryption, in arrival order: replay, session bookkeeping, roaming,
     * then (for data) the source address, the tap and the filter. On success
     * {@code b.plain[i]} holds the IP packet's length.
     */
    private boolean accept(InboundBatch b, int i, long now) {
        int n = b.plain[i];
        if (n < 0) {
            device.counters.droppedDecrypt.increment();
            return false;
        }
        Keypair kp = b.keypairs[i];
        if (!kp.replay.accept(b.counters[i])) {
            device.counters.droppedReplay.increment();
            return false;
        }
        Peer peer = kp.peer;
        if (peer.next == kp) {
            device.handshakes.confirmNext(peer, kp);
        }
        device.handshakes.keepKeyFreshReceiving(peer, kp, now);
        PeerTimers t = peer.timers;
        t.anyAuthenticatedPacketTraversal(now, peer.persistentKeepaliveSeconds());
        t.anyAuthenticatedPacketReceived();
        InetSocketAddress from = b.sources[i];
        // Roaming follows the latest authenticated UDP source; with a path manager (tailnet
        // mode) the paths come from discovery, and relayed packets have no UDP source.
        if (device.paths == null && !(from instanceof RelayedFrom) && !Objects.equals(from, peer.endpoint())) {
            LOG.fine(() -> peer + ": endpoint changed to " + from);
            peer.setEndpoint(from); // roaming: follow the peer's latest authenticated source
        }
        peer.rxBytes.addAndGet(b.lengths[i]);
        if (n == 0) {
            return false; // keepalive
        }
        t.dataReceived(now);
        ByteBuffer slot = b.slots[i];
        int off = MESSAGE_TRANSPORT_HEADER_SIZE;
        int total = IpPacket.totalLength(slot, off, n);
        if (total < 0) {
            device.counters.droppedMalformed.increment();
            return false;
        }
        Peer owner = IpPacket.version(slot, off, n) == 4
                ? device.allowedIps.lookup4(IpPacket.src4(slot, off))
                : device.allowedIps.lookup6(IpPacket.src6Hi(slot, off), IpPacket.src6Lo(slot, off));
        if (owner != peer) {
            device.counters.droppedSourceNotAllowed.increment();
            return false;
        }
        InboundTap tap = device.tap;
        if (tap != null && tap.consume(slot, off, total)) {
            return false;
        }
        if (!device.filter.allowInbound(slot, off, total)) {
            device.counters.droppedByFilter.increment();
            return false;
        }
        b.plain[i] = total;
        return true;
    }

    @Override
    public void close() {
        if (output != null) {
            output.interrupt();
        }
    }
}
