package dev.tsj.control.relay.io;

import dev.tsj.control.relay.proto.Frames;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The frames waiting to go out on one connection: any thread may add (a relay's readers,
 * a node's send path), one writer thread takes. Bounded in frames, and separately in
 * frames too big for a pooled buffer, so one slow reader costs the relay a fixed amount of
 * memory; when full, a frame is refused at once (the caller counts the drop) and no
 * producer ever waits for a consumer.
 *
 * <p>Ownership: {@link #claim} hands a buffer to the producer, which fills one frame from
 * offset 0 and passes it to {@link #publish}; from then the queue owns it until the writer
 * {@link #poll}s it and gives it back with {@link #release}.
 */
public final class OutboundQueue {
    private final BufferPool pool;
    private final LockFreeRing<byte[]> ring;
    private final int maxLarge;
    private final AtomicInteger largeQueued = new AtomicInteger();
    private final AtomicBoolean writerWaiting = new AtomicBoolean();
    private volatile Thread writer;

    public OutboundQueue(BufferPool pool, int capacity, int maxLarge) {
        this.pool = pool;
        this.ring = new LockFreeRing<>(capacity);
        this.maxLarge = maxLarge;
    }

    /** The thread woken when frames arrive. */
    public void setWriter(Thread t) {
        writer = t;
    }

    /** A buffer for a frame of {@code frameLength} bytes, or null when too many large frames are queued. */
    public byte[] claim(int frameLength) {
        if (frameLength <= pool.bufferSize()) {
            return pool.take();
        }
        if (largeQueued.incrementAndGet() > maxLarge) {
            largeQueued.decrementAndGet();
            return null;
        }
        return new byte[frameLength];
    }

    /** Queues a claimed, filled frame; false (and the buffer released) when the queue is full. */
    public boolean publish(byte[] frame) {
        if (!publishQuietly(frame)) {
            return false;
        }
        wakeIfWaiting();
        return true;
    }

    /**
     * Queues a frame without waking the writer: a producer with more frames at hand (a
     * batch from one socket read) calls {@link #wakeIfWaiting()} once after the batch, so
     * the writer wakes once and writes the batch with one system call.
     */
    public boolean publishQuietly(byte[] frame) {
        if (!ring.offer(frame)) {
            release(frame);
            return false;
        }
        return true;
    }

    /**
     * As {@link #publishQuietly} but a refused frame stays the caller's (not released), so
     * it may try again once the writer made room.
     */
    public boolean offer(byte[] frame) {
        return ring.offer(frame);
    }

    /** Wakes the writer if it sleeps; cheap when it does not. */
    public void wakeIfWaiting() {
        // Pairs with the fence in awaitWork: either the writer sees the frames before it
        // sleeps, or this thread sees it waiting and wakes it.
        VarHandle.fullFence();
        if (writerWaiting.get() && writerWaiting.compareAndSet(true, false)) {
            LockSupport.unpark(writer);
        }
    }

    /** Copies a whole small frame (control frames) and queues it. */
    public boolean publishCopy(byte[] frame) {
        byte[] b = claim(frame.length);
        if (b == null) {
            return false;
        }
        System.arraycopy(frame, 0, b, 0, frame.length);
        return publish(b);
    }

    /** Writer side: the next frame, or null. */
    public byte[] poll() {
        return ring.poll();
    }

    /** Writer side: gives a polled (or refused) frame's buffer back. */
    public void release(byte[] frame) {
        if (frame.length == pool.bufferSize()) {
            pool.give(frame);
        } else {
            largeQueued.decrementAndGet();
        }
    }

    /** The length of the frame in {@code frame}, from its header. */
    public static int frameLength(byte[] frame) {
        return Frames.frameLength(frame, 0);
    }

    /** Writer side: sleeps until a frame is queued, {@link #wakeWriter} is called, or the time passes. */
    public void awaitWork(long nanos) {
        writerWaiting.set(true);
        VarHandle.fullFence();
        if (ring.isEmpty()) {
            LockSupport.parkNanos(this, nanos);
        }
        writerWaiting.set(false);
    }

    /** Wakes the writer (to close, say). */
    public void wakeWriter() {
        Thread t = writer;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Writer side, at the end: releases whatever is still queued. */
    public void drainAndRelease() {
        byte[] f;
        while ((f = ring.poll()) != null) {
            release(f);
        }
    }
}
