package dev.tsj.daemon.wg;

import dev.tsj.crypto.ChaChaPoly;
import dev.tsj.crypto.Transport;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Packets read from the TUN in one call, each with its 16 bytes of headroom, and what the
 * reader decided for each: the keypair and nonce to seal it with and where to send it
 * (no keypair: the packet was staged or dropped). {@link #process} seals them in place.
 */
final class OutboundBatch extends PipelineBatch {
    final ByteBuffer[] bufs;
    final int[] sizes;
    final Keypair[] keypairs;
    final long[] counters;
    final InetSocketAddress[] endpoints;
    /** The sealed message length, or -1 when the packet is not sent. */
    final int[] sealed;
    int count;
    private final int mtu;

    OutboundBatch(int capacity, int bufferSize, int mtu) {
        this.mtu = mtu;
        bufs = new ByteBuffer[capacity];
        sizes = new int[capacity];
        keypairs = new Keypair[capacity];
        counters = new long[capacity];
        endpoints = new InetSocketAddress[capacity];
        sealed = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            bufs[i] = ByteBuffer.allocate(bufferSize);
        }
    }

    @Override
    protected void process(ChaChaPoly aead) {
        for (int i = 0; i < count; i++) {
            Keypair kp = keypairs[i];
            if (kp == null) {
                sealed[i] = -1;
                continue;
            }
            try {
                sealed[i] = Transport.seal(aead, kp.sendKey(), kp.remoteIndex, counters[i], bufs[i], 0, sizes[i], mtu);
            } catch (IllegalStateException retired) {
                sealed[i] = -1; // the keypair was retired (its key zeroed) while the packet was queued
            }
        }
    }

    /** Drops the references to peers' state once sent, so a batch in the pool holds none. */
    void clear() {
        for (int i = 0; i < count; i++) {
            keypairs[i] = null;
            endpoints[i] = null;
        }
        count = 0;
    }
}
