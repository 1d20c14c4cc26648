package dev.tsj.tun;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where plaintext IP packets enter and leave a node: a Linux TUN device, the userspace
 * network stack, or an in-memory pipe in tests.
 *
 * <p>Batch-first, after wireguard-go's {@code tun.Device}: one call moves many packets so
 * that a device with segmentation offloads can turn one 64 KiB super-packet into dozens
 * of MTU-sized ones (and back) without changing callers. Buffers are owned by the caller;
 * {@code offset} leaves headroom in front of each packet (the WireGuard transport header
 * is written there in place, so sealing needs no copy).
 */
public interface PacketDevice extends AutoCloseable {

    /**
     * Reads at least one and at most {@code bufs.length} packets, blocking until one is
     * available. Packet {@code i} is written into {@code bufs[i]} at absolute index
     * {@code offset}; its length goes to {@code sizes[i]}. Buffer positions and limits are
     * not changed.
     *
     * @return the number of packets read
     * @throws java.nio.channels.ClosedChannelException once the device is closed
     */
    int read(ByteBuffer[] bufs, int[] sizes, int offset) throws IOException;

    /**
     * Writes {@code count} packets: packet {@code i} is {@code sizes[i]} bytes at absolute
     * index {@code offset} of {@code bufs[i]}. A device may coalesce them (GRO) and may
     * scribble in the buffers' headroom. Malformed packets are dropped, not thrown.
     *
     * @return the number of packets accepted
     */
    int write(ByteBuffer[] bufs, int[] sizes, int offset, int count) throws IOException;

    /** The most packets one {@link #read} can return; size the caller's arrays by it. */
    int batchSize();

    /** The device MTU: the largest IP packet it carries. */
    int mtu();

    /** The interface name ("tsj0") or a descriptive name for non-kernel devices. */
    String name();

    @Override
    void close() throws IOException;
}
