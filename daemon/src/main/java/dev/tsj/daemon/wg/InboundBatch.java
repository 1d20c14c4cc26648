package dev.tsj.daemon.wg;

import dev.tsj.crypto.ChaChaPoly;
import dev.tsj.crypto.Transport;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Transport messages received in one UDP read batch, each in its own slot, with the
 * keypair its receiver index named, its counter and its source. {@link #process} opens
 * them in place; the replay window and everything after run in order on the output side.
 * {@link #out} and {@link #outSizes} gather the packets that pass, for one TUN write.
 */
final class InboundBatch extends PipelineBatch {
    final ByteBuffer[] slots;
    final int[] lengths;
    final Keypair[] keypairs;
    final long[] counters;
    final InetSocketAddress[] sources;
    /** The opened (still padded) plaintext length, or -1 when authentication failed. */
    final int[] plain;
    final ByteBuffer[] out;
    final int[] outSizes;
    int count;

    InboundBatch(int capacity, int slotSize) {
        slots = new ByteBuffer[capacity];
        lengths = new int[capacity];
        keypairs = new Keypair[capacity];
        counters = new long[capacity];
        sources = new InetSocketAddress[capacity];
        plain = new int[capacity];
        out = new ByteBuffer[capacity];
        outSizes = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            slots[i] = ByteBuffer.allocate(slotSize);
        }
    }

    boolean full() {
        return count == slots.length;
    }

    @Override
    protected void process(ChaChaPoly aead) {
        for (int i = 0; i < count; i++) {
            try {
                plain[i] = Transport.open(aead, keypairs[i].receiveKey(), counters[i], slots[i], 0, lengths[i]);
            } catch (IllegalStateException retired) {
                plain[i] = -1; // the keypair was retired (its key zeroed) while the packet was queued
            }
        }
    }

    /** Drops the references to peers' state once delivered, so a batch in the pool holds none. */
    void clear() {
        for (int i = 0; i < count; i++) {
            keypairs[i] = null;
            sources[i] = null;
            out[i] = null;
        }
        count = 0;
    }
}
