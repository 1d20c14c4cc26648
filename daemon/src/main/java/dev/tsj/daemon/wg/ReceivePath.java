package dev.tsj.daemon.wg;

import static dev.tsj.crypto.WireGuardSpec.*;

import dev.tsj.crypto.ChaChaPoly;
import dev.tsj.crypto.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * Inbound: datagrams from the UDP thread, dispatched by message type. Transport messages
 * are decrypted in place in their slot, checked (replay window, then the source address
 * against the sending peer's allowed IPs) and written to the packet device a batch at a
 * time; handshake messages go to the handshake queue. Runs on the single UDP thread, so
 * each peer's packets are handled in arrival order.
 */
final class ReceivePath implements UdpBind.Sink {
    private static final Logger LOG = Logger.getLogger(ReceivePath.class.getName());
    static final int BATCH = NettyUdpBind.RECEIVE_BATCH;

    private final Device device;
    private final ByteBuffer[] slots;
    private final int[] sizes;
    private int cursor;

    ReceivePath(Device device) {
        this.device = device;
        int slotSize = Math.max(2048, MESSAGE_TRANSPORT_HEADER_SIZE + device.mtu + 2 * AEAD_TAG_SIZE + 64);
        slots = new ByteBuffer[BATCH];
        sizes = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            slots[i] = ByteBuffer.allocate(slotSize);
        }
    }

    @Override
    public ByteBuffer slot() {
        return slots[cursor];
    }

    @Override
    public void datagram(ByteBuffer slot, int len, InetSocketAddress from) {
        if (len < 4 || (slot.get(1) | slot.get(2) | slot.get(3)) != 0) {
            device.counters.droppedMalformed.increment();
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

    private void transport(ByteBuffer slot, int len, InetSocketAddress from) {
        if (len < MESSAGE_TRANSPORT_MIN_SIZE) {
            device.counters.droppedMalformed.increment();
            return;
        }
        IndexTable.Entry e = device.indexes.lookup(Transport.receiverIndex(slot, 0));
        Keypair kp = e == null ? null : e.keypair();
        long now = device.clock.nanoTime();
        if (kp == null || now - kp.created >= REJECT_AFTER_TIME) {
            device.counters.droppedUnknownIndex.increment();
            return;
        }
        long counter = Transport.counter(slot, 0);
        int n = Transport.open(ChaChaPoly.forThread(), kp.receiveKey(), counter, slot, 0, len);
        if (n < 0) {
            device.counters.droppedDecrypt.increment();
            return;
        }
        if (!kp.replay.accept(counter)) {
            device.counters.droppedReplay.increment();
            return;
        }
        Peer peer = kp.peer;
        if (peer.next == kp) {
            device.handshakes.confirmNext(peer, kp);
        }
        device.handshakes.keepKeyFreshReceiving(peer, kp, now);
        PeerTimers t = peer.timers;
        t.anyAuthenticatedPacketTraversal(now, peer.persistentKeepaliveSeconds());
        t.anyAuthenticatedPacketReceived();
        if (!Objects.equals(from, peer.endpoint())) {
            LOG.fine(() -> peer + ": endpoint changed to " + from);
            peer.setEndpoint(from); // roaming: follow the peer's latest authenticated source
        }
        peer.rxBytes.addAndGet(len);
        if (n == 0) {
            return; // keepalive
        }
        t.dataReceived(now);
        int off = MESSAGE_TRANSPORT_HEADER_SIZE;
        int total = IpPacket.totalLength(slot, off, n);
        if (total < 0) {
            device.counters.droppedMalformed.increment();
            return;
        }
        Peer owner = IpPacket.version(slot, off, n) == 4
                ? device.allowedIps.lookup4(IpPacket.src4(slot, off))
                : device.allowedIps.lookup6(IpPacket.src6Hi(slot, off), IpPacket.src6Lo(slot, off));
        if (owner != peer) {
            device.counters.droppedSourceNotAllowed.increment();
            return;
        }
        InboundTap tap = device.tap;
        if (tap != null && tap.consume(slot, off, total)) {
            return;
        }
        if (!device.filter.allowInbound(slot, off, total)) {
            device.counters.droppedByFilter.increment();
            return;
        }
        sizes[cursor] = total;
        cursor++;
        if (cursor == BATCH) {
            flush();
        }
    }

    @Override
    public void batchEnd() {
        flush();
    }

    private void flush() {
        if (cursor == 0) {
            return;
        }
        try {
            device.tun.write(slots, sizes, MESSAGE_TRANSPORT_HEADER_SIZE, cursor);
        } catch (IOException e) {
            if (!device.isClosed()) {
                LOG.warning("writing to " + device.tun.name() + ": " + e.getMessage());
            }
        } finally {
            cursor = 0;
        }
    }
}
