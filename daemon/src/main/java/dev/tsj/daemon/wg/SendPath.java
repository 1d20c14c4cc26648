package dev.tsj.daemon.wg;

import static dev.tsj.crypto.WireGuardSpec.*;

import dev.tsj.crypto.ChaChaPoly;
import dev.tsj.crypto.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.logging.Logger;

/**
 * Outbound: reads batches of packets from the packet device into buffers with 16 bytes
 * of headroom, picks each packet's peer by destination (cryptokey routing), seals it in
 * place with the next nonce of the peer's current keys and hands the batch to UDP.
 * Packets for a peer without a session are staged and a handshake is requested.
 */
final class SendPath {
    private static final Logger LOG = Logger.getLogger(SendPath.class.getName());

    private final Device device;
    private final Thread thread;

    SendPath(Device device) {
        this.device = device;
        this.thread = new Thread(this::run, "wg-send");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void join() {
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        int batchSize = device.tun.batchSize();
        int capacity = MESSAGE_TRANSPORT_HEADER_SIZE + Math.max(device.mtu, 1280) + 2 * AEAD_TAG_SIZE;
        ByteBuffer[] bufs = new ByteBuffer[batchSize];
        int[] sizes = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            bufs[i] = ByteBuffer.allocate(capacity);
        }
        ChaChaPoly aead = ChaChaPoly.forThread();
        UdpBind batchBind = null;
        UdpBind.Batch batch = null;
        while (!device.isClosed()) {
            int n;
            try {
                n = device.tun.read(bufs, sizes, MESSAGE_TRANSPORT_HEADER_SIZE);
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException e) {
                if (device.isClosed()) {
                    return;
                }
                LOG.warning("reading from " + device.tun.name() + ": " + e.getMessage());
                continue;
            }
            UdpBind bind = device.bind;
            if (bind == null || device.identity == null) {
                continue;
            }
            if (bind != batchBind) {
                batch = bind.newBatch(batchSize, capacity);
                batchBind = bind;
            }
            batch.expect(n);
            long now = device.clock.nanoTime();
            for (int i = 0; i < n; i++) {
                send(aead, bufs[i], sizes[i], batch, now);
            }
            batch.send();
        }
    }

    private void send(ChaChaPoly aead, ByteBuffer buf, int len, UdpBind.Batch batch, long now) {
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
        InetSocketAddress to = peer.endpoint();
        if (to == null) {
            device.counters.droppedNoEndpoint.increment();
            return;
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
        int sealed = Transport.seal(aead, kp.sendKey(), kp.remoteIndex, counter, buf, 0, len, device.mtu);
        batch.add(to, buf, 0, sealed);
        peer.txBytes.addAndGet(sealed);
        PeerTimers t = peer.timers;
        t.anyAuthenticatedPacketTraversal(now, peer.persistentKeepaliveSeconds());
        t.anyAuthenticatedPacketSent();
        t.dataSent(now);
        device.handshakes.keepKeyFreshSending(peer, kp, now);
    }
}
