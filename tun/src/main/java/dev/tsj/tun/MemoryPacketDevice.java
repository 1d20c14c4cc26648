package dev.tsj.tun;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory {@link PacketDevice} for tests, in the spirit of wireguard-go's
 * {@code tuntest}: the test {@linkplain #inject injects} packets that the code under test
 * then {@link #read}s (as if the kernel had routed them into the TUN), and
 * {@linkplain #takeWritten collects} the packets the code under test {@link #write}s (as if
 * they were delivered to the host).
 *
 * <p>Both directions are bounded. {@link #inject} waits for room (the test is throttled by
 * its reader); {@link #write} never blocks and drops what does not fit, like a kernel
 * backlog, counting the drops in {@link #droppedWrites()}. {@link #close()} wakes a blocked
 * reader with {@link ClosedChannelException}; packets already written stay collectable.
 * Packets are copied in and out, so neither side keeps a reference to the other's buffers.
 */
public final class MemoryPacketDevice implements PacketDevice {
    public static final String DEFAULT_NAME = "mem0";
    public static final int DEFAULT_MTU = 1420;
    public static final int DEFAULT_CAPACITY = 4096;
    public static final int DEFAULT_BATCH_SIZE = 128;

    private final String name;
    private final int mtu;
    private final int batchSize;
    private final PacketQueue toRead;
    private final PacketQueue written;
    private final AtomicLong droppedWrites = new AtomicLong();
    /** Reader-owned scratch for one batch; read() is called by one reader at a time. */
    private final byte[][] batch;

    /** A device named {@value #DEFAULT_NAME}, MTU {@value #DEFAULT_MTU}, room for {@value #DEFAULT_CAPACITY} packets each way. */
    public MemoryPacketDevice() {
        this(DEFAULT_NAME, DEFAULT_MTU, DEFAULT_CAPACITY, DEFAULT_BATCH_SIZE);
    }

    /**
     * @param capacity how many packets each direction holds
     * @param batchSize the most packets one {@link #read} returns
     */
    public MemoryPacketDevice(String name, int mtu, int capacity, int batchSize) {
        if (mtu < 1) throw new IllegalArgumentException("mtu must be positive, got " + mtu);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        this.name = name;
        this.mtu = mtu;
        this.batchSize = batchSize;
        this.toRead = new PacketQueue(capacity);
        this.written = new PacketQueue(capacity);
        this.batch = new byte[batchSize][];
    }

    // ---- the test's side ----

    /**
     * Queues a copy of {@code packet} for the code under test to read, waiting for room.
     *
     * @throws IllegalArgumentException if the packet is empty or longer than the MTU
     * @throws ClosedChannelException if the device is closed
     */
    public void inject(byte[] packet) throws ClosedChannelException, InterruptedException {
        toRead.put(checkedCopy(packet));
    }

    /** Like {@link #inject} but never waits: false when the read queue is full. */
    public boolean tryInject(byte[] packet) throws ClosedChannelException {
        return toRead.offer(checkedCopy(packet));
    }

    /** The next packet the code under test wrote, waiting up to {@code timeout}; null if none came. */
    public byte[] takeWritten(Duration timeout) throws InterruptedException {
        return written.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The next written packet if there is one, else null. */
    public byte[] pollWritten() {
        try {
            return written.poll(0, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Removes and returns every packet written so far. */
    public List<byte[]> drainWritten() {
        List<byte[]> out = new ArrayList<>();
        for (byte[] p; (p = pollWritten()) != null; ) out.add(p);
        return out;
    }

    /** Packets injected but not read yet. */
    public int pendingReads() {
        return toRead.size();
    }

    /** Packets written but dropped because the written queue was full. */
    public long droppedWrites() {
        return droppedWrites.get();
    }

    public boolean isClosed() {
        return toRead.isClosed();
    }

    // ---- the PacketDevice side ----

    @Override
    public int read(ByteBuffer[] bufs, int[] sizes, int offset) throws IOException {
        int max = Math.min(Math.min(bufs.length, sizes.length), batchSize);
        if (max == 0) throw new IllegalArgumentException("read needs at least one buffer");
        int n;
        try {
            n = toRead.takeBatch(batch, max);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading " + name);
        }
        for (int i = 0; i < n; i++) {
            byte[] p = batch[i];
            batch[i] = null;
            if (bufs[i].capacity() - offset < p.length) {
                throw new IOException(name + ": read buffer " + i + " has room for "
                        + (bufs[i].capacity() - offset) + " bytes after offset " + offset
                        + ", packet is " + p.length);
            }
            bufs[i].put(offset, p);
            sizes[i] = p.length;
        }
        return n;
    }

    @Override
    public int write(ByteBuffer[] bufs, int[] sizes, int offset, int count) throws IOException {
        if (written.isClosed()) throw new ClosedChannelException();
        int accepted = 0;
        for (int i = 0; i < count; i++) {
            int size = sizes[i];
            if (size < 1 || size > mtu || offset + size > bufs[i].capacity()) continue; // malformed: drop
            byte[] p = new byte[size];
            bufs[i].get(offset, p);
            if (written.offer(p)) accepted++;
            else droppedWrites.incrementAndGet();
        }
        return accepted;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        toRead.close();
        written.close();
    }

    private byte[] checkedCopy(byte[] packet) {
        if (packet.length < 1 || packet.length > mtu) {
            throw new IllegalArgumentException(name + ": packet of " + packet.length
                    + " bytes does not fit MTU " + mtu);
        }
        return packet.clone();
    }
}
