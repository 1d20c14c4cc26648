package dev.tsj.tun.netstack;

import dev.tsj.tun.PacketDevice;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The userspace network stack seen from the WireGuard device: a {@link PacketDevice}
 * whose {@link #write} takes decrypted packets from the tailnet into the stack and whose
 * {@link #read} hands out the packets the stack sends. It owns the stack's loop thread.
 *
 * <p>Both directions are bounded queues of pooled buffers. Inbound, a full queue drops
 * (as a NIC ring would; TCP recovers). Outbound, a queue above its high-water mark makes
 * TCP hold its data until the reader drains it below half: a slow encryptor slows the
 * senders instead of growing memory.
 */
public final class UserspaceNetDevice implements PacketDevice, PacketSink, LoopParticipant {
    private static final System.Logger LOG = System.getLogger(UserspaceNetDevice.class.getName());
    private static final int BATCH = 128;
    /** Inbound packets processed per loop turn before timers and tasks get a turn. */
    private static final int INPUT_BUDGET = 256;

    private final NetStackConfig config;
    private final ThreadLoop loop;
    private final NetStack stack;
    private final ByteBufAllocator alloc;
    private final Queue<ByteBuf> inbound;
    private final Queue<ByteBuf> outbound;
    private final int highWater;
    private final int lowWater;
    private final ReentrantLock readLock = new ReentrantLock();
    private final AtomicBoolean stackWaitsForRoom = new AtomicBoolean();
    private final Runnable outputReady;
    private volatile Thread waitingReader;
    private volatile boolean closed;

    public UserspaceNetDevice(NetStackConfig config) {
        this(config, PooledByteBufAllocator.DEFAULT);
    }

    public UserspaceNetDevice(NetStackConfig config, ByteBufAllocator alloc) {
        this.config = config;
        this.alloc = alloc;
        this.highWater = config.outputQueue();
        this.lowWater = Math.max(1, config.outputQueue() / 2);
        this.inbound = PlatformDependent.newFixedMpscQueue(config.inputQueue());
        // Room above the high-water mark for ACKs and control packets, which never wait.
        this.outbound = PlatformDependent.newFixedMpmcQueue(config.outputQueue() + config.outputQueue() / 2 + 64);
        this.loop = new ThreadLoop("tsj-netstack");
        this.stack = new NetStack(config, loop, this, alloc);
        this.outputReady = stack::outputReady;
        loop.register(this);
    }

    /** The stack behind this device, for the socket API, forwarders and proxies. */
    public NetStack stack() {
        return stack;
    }

    // ---- PacketDevice: the WireGuard side ----

    @Override
    public int write(ByteBuffer[] bufs, int[] sizes, int offset, int count) throws IOException {
        if (closed) throw new ClosedChannelException();
        for (int i = 0; i < count; i++) {
            int size = sizes[i];
            if (size <= 0 || size > 65535 || offset + size > bufs[i].capacity()) {
                stack.counters.addShared(Counter.IN_MALFORMED, 1);
                continue;
            }
            ByteBuf b = alloc.heapBuffer(size, size);
            bufs[i].get(offset, b.array(), b.arrayOffset(), size);
            b.writerIndex(size);
            if (!inbound.offer(b)) {
                b.release();
                stack.counters.addShared(Counter.IN_QUEUE_FULL, 1);
            }
        }
        loop.wakeup();
        return count;
    }

    @Override
    public int read(ByteBuffer[] bufs, int[] sizes, int offset) throws IOException {
        readLock.lock();
        try {
            int n = 0;
            while (n == 0) {
                ByteBuf b = awaitPacket();
                while (b != null) {
                    int len = b.readableBytes();
                    ByteBuffer dst = bufs[n];
                    if (offset + len > dst.capacity()) {
                        stack.counters.addShared(Counter.OUT_TOO_BIG, 1);
                    } else {
                        copyOut(b, dst, offset, len);
                        sizes[n++] = len;
                    }
                    b.release();
                    b = n < bufs.length ? outbound.poll() : null;
                }
                if (stackWaitsForRoom.get() && outbound.size() < lowWater && stackWaitsForRoom.compareAndSet(true, false)) {
                    loop.tryRunOnLoop(outputReady);
                }
            }
            return n;
        } finally {
            readLock.unlock();
        }
    }

    private static void copyOut(ByteBuf b, ByteBuffer dst, int offset, int len) {
        if (b.hasArray()) {
            dst.put(offset, b.array(), b.arrayOffset() + b.readerIndex(), len);
        } else {
            for (int i = 0; i < len; i++) dst.put(offset + i, b.getByte(b.readerIndex() + i));
        }
    }

    private ByteBuf awaitPacket() throws IOException {
        while (true) {
            ByteBuf b = outbound.poll();
            if (b != null) return b;
            if (closed) throw new ClosedChannelException();
            waitingReader = Thread.currentThread();
            VarHandle.fullFence();
            if (outbound.isEmpty() && !closed) LockSupport.park(this);
            waitingReader = null;
            if (Thread.interrupted()) throw new java.nio.channels.ClosedByInterruptException();
        }
    }

    @Override
    public int batchSize() {
        return BATCH;
    }

    @Override
    public int mtu() {
        return config.mtu();
    }

    @Override
    public String name() {
        return "userspace-networking";
    }

    // ---- PacketSink: the stack side (loop thread) ----

    @Override
    public boolean hasRoom() {
        if (outbound.size() < highWater) return true;
        stackWaitsForRoom.set(true);
        // Re-check after publishing the flag: a reader that drained meanwhile may not have seen it.
        if (outbound.size() < highWater) {
            stackWaitsForRoom.set(false);
            return true;
        }
        return false;
    }

    @Override
    public void send(ByteBuf packet) {
        if (closed || !outbound.offer(packet)) {
            packet.release();
            stack.counters.inc(Counter.OUT_QUEUE_FULL);
            return;
        }
        VarHandle.fullFence();
        Thread reader = waitingReader;
        if (reader != null) LockSupport.unpark(reader);
    }

    // ---- LoopParticipant: inbound packets into the stack ----

    @Override
    public boolean poll() {
        ByteBuf b;
        int n = 0;
        while (n < INPUT_BUDGET && (b = inbound.poll()) != null) {
            try {
                stack.receive(b, b.readerIndex(), b.readableBytes());
            } catch (RuntimeException e) {
                // A bug must cost one packet, not the stack: count it, log it, go on.
                stack.counters.inc(Counter.IN_MALFORMED);
                LOG.log(System.Logger.Level.ERROR, "netstack: packet processing failed", e);
            } finally {
                b.release();
            }
            n++;
        }
        return n > 0;
    }

    @Override
    public boolean hasPendingInput() {
        return !inbound.isEmpty();
    }

    @Override
    public void close() {
        if (closed) return;
        stack.close();
        closed = true;
        Thread reader = waitingReader;
        if (reader != null) LockSupport.unpark(reader);
        loop.close();
        ByteBuf b;
        while ((b = inbound.poll()) != null) b.release();
        while ((b = outbound.poll()) != null) b.release();
    }
}
