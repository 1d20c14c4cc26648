package dev.tsj.tun;

import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded FIFO of packets (byte arrays) that can be closed: closing wakes every waiter,
 * takers then drain what is left and get {@link ClosedChannelException} once it is empty.
 * Used by {@link MemoryPacketDevice}; a lock rather than a lock-free queue because close
 * must wake blocked readers and a test double values obvious correctness over speed.
 */
final class PacketQueue {
    private final byte[][] ring;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private int head;
    private int count;
    private boolean closed;

    PacketQueue(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("queue capacity must be at least 1, got " + capacity);
        ring = new byte[capacity][];
    }

    /** Adds a packet without blocking; false when the queue is full. */
    boolean offer(byte[] packet) throws ClosedChannelException {
        lock.lock();
        try {
            if (closed) throw new ClosedChannelException();
            if (count == ring.length) return false;
            enqueue(packet);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Adds a packet, waiting for room. */
    void put(byte[] packet) throws ClosedChannelException, InterruptedException {
        lock.lockInterruptibly();
        try {
            while (!closed && count == ring.length) notFull.await();
            if (closed) throw new ClosedChannelException();
            enqueue(packet);
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code timeout} for a packet; null when none came. Drains after close. */
    byte[] poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (count == 0 && !closed) {
                if (nanos <= 0) return null;
                nanos = notEmpty.awaitNanos(nanos);
            }
            return count == 0 ? null : dequeue();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for at least one packet, then moves up to {@code max} into {@code out} without
     * waiting again. Returns how many were moved.
     *
     * @throws ClosedChannelException as soon as the queue is closed, even if packets are left:
     *     this is the reader side of a device, and a closed device reads nothing
     */
    int takeBatch(byte[][] out, int max) throws ClosedChannelException, InterruptedException {
        lock.lockInterruptibly();
        try {
            while (count == 0 && !closed) notEmpty.await();
            if (closed) throw new ClosedChannelException();
            int n = Math.min(max, count);
            for (int i = 0; i < n; i++) out[i] = dequeue();
            return n;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    private void enqueue(byte[] packet) {
        ring[(head + count) % ring.length] = packet;
        count++;
        notEmpty.signal();
    }

    private byte[] dequeue() {
        byte[] packet = ring[head];
        ring[head] = null;
        head = (head + 1) % ring.length;
        count--;
        notFull.signal();
        return packet;
    }
}
