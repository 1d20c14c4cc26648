package dev.tsj.control.relay.io;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded lock-free queue for many producers and many consumers (Dmitry Vyukov's
 * array queue): each slot carries a sequence number that says whose turn it is, so an
 * offer or a poll is one CAS on a position plus two ordered accesses to its slot, and
 * nothing is allocated. A full queue refuses rather than waits.
 */
public final class LockFreeRing<E> {
    private static final VarHandle SEQ = MethodHandles.arrayElementVarHandle(long[].class);

    private final Object[] items;
    private final long[] seq;
    private final int mask;
    private final AtomicLong head = new AtomicLong();
    private final AtomicLong tail = new AtomicLong();

    /** @param capacity rounded up to a power of two */
    public LockFreeRing(int capacity) {
        int size = capacity <= 2 ? 2 : Integer.highestOneBit(capacity - 1) << 1;
        items = new Object[size];
        seq = new long[size];
        for (int i = 0; i < size; i++) {
            seq[i] = i;
        }
        mask = size - 1;
    }

    public int capacity() {
        return items.length;
    }

    /** Adds {@code e}; false when the queue is full. */
    public boolean offer(E e) {
        long pos = tail.get();
        while (true) {
            int i = (int) pos & mask;
            long s = (long) SEQ.getAcquire(seq, i);
            long dif = s - pos;
            if (dif == 0) {
                if (tail.compareAndSet(pos, pos + 1)) {
                    items[i] = e;
                    SEQ.setRelease(seq, i, pos + 1);
                    return true;
                }
                pos = tail.get();
            } else if (dif < 0) {
                return false;
            } else {
                pos = tail.get();
            }
        }
    }

    /** Removes the oldest element; null when empty. */
    @SuppressWarnings("unchecked")
    public E poll() {
        long pos = head.get();
        while (true) {
            int i = (int) pos & mask;
            long s = (long) SEQ.getAcquire(seq, i);
            long dif = s - (pos + 1);
            if (dif == 0) {
                if (head.compareAndSet(pos, pos + 1)) {
                    E e = (E) items[i];
                    items[i] = null;
                    SEQ.setRelease(seq, i, pos + mask + 1);
                    return e;
                }
                pos = head.get();
            } else if (dif < 0) {
                return null;
            } else {
                pos = head.get();
            }
        }
    }

    /** Whether an element is ready at the head (a hint for a consumer about to sleep). */
    public boolean isEmpty() {
        long pos = head.get();
        return (long) SEQ.getVolatile(seq, (int) pos & mask) != pos + 1;
    }
}
