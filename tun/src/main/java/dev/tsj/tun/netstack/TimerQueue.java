package dev.tsj.tun.netstack;

import java.util.Arrays;

/** A binary min-heap of {@link Timer}s keyed by deadline. Loop-confined. */
final class TimerQueue {
    private Timer[] heap = new Timer[64];
    private int size;

    void arm(Timer t, long deadline) {
        t.deadline = deadline;
        if (t.heapIndex < 0) {
            t.heapKey = deadline;
            if (size == heap.length) heap = Arrays.copyOf(heap, size * 2);
            heap[size] = t;
            t.heapIndex = size++;
            siftUp(t.heapIndex);
        } else if (deadline < t.heapKey) {
            t.heapKey = deadline;
            siftUp(t.heapIndex);
        }
        // A later deadline stays filed under the earlier key: the heap fires early and re-files it.
    }

    /** Disarms lazily: the entry leaves the heap when its key comes up. */
    void cancel(Timer t) {
        t.deadline = Timer.DISARMED;
    }

    /** Disarms and unlinks now, so that an owner being discarded is not kept reachable. */
    void remove(Timer t) {
        t.deadline = Timer.DISARMED;
        unlink(t);
    }

    private void unlink(Timer t) {
        int i = t.heapIndex;
        if (i < 0) return;
        Timer last = heap[--size];
        heap[size] = null;
        t.heapIndex = -1;
        if (last != t) {
            heap[i] = last;
            last.heapIndex = i;
            siftDown(i);
            siftUp(last.heapIndex);
        }
    }

    /** The earliest key in the heap (possibly stale-early), or {@link Timer#DISARMED}. */
    long nextDeadline() {
        return size == 0 ? Timer.DISARMED : heap[0].heapKey;
    }

    /** Runs every timer due at {@code now}; returns how many actions ran. */
    int runExpired(long now) {
        int ran = 0;
        while (size > 0 && heap[0].heapKey <= now) {
            Timer t = heap[0];
            unlink(t);
            long want = t.deadline;
            if (want == Timer.DISARMED) {
                continue; // cancelled lazily
            }
            if (want > now) {
                arm(t, want);
                continue;
            }
            t.deadline = Timer.DISARMED;
            t.action.run();
            ran++;
        }
        return ran;
    }

    int size() {
        return size;
    }

    private void siftUp(int i) {
        Timer t = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Timer p = heap[parent];
            if (p.heapKey <= t.heapKey) break;
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    private void siftDown(int i) {
        Timer t = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) break;
            if (child + 1 < size && heap[child + 1].heapKey < heap[child].heapKey) child++;
            Timer c = heap[child];
            if (t.heapKey <= c.heapKey) break;
            heap[i] = c;
            c.heapIndex = i;
            i = child;
        }
        heap[i] = t;
        t.heapIndex = i;
    }
}
