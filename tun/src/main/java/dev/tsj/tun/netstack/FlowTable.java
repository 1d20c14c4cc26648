package dev.tsj.tun.netstack;

import java.util.ArrayList;
import java.util.List;

/** A chained hash table of {@link FlowEntry}s keyed by 4-tuple. Loop-confined. */
final class FlowTable<T extends FlowEntry> {
    private FlowEntry[] buckets = new FlowEntry[256];
    private int size;

    @SuppressWarnings("unchecked")
    T get(long lHi, long lLo, int lPort, long rHi, long rLo, int rPort) {
        int h = FlowEntry.hash(lHi, lLo, lPort, rHi, rLo, rPort);
        for (FlowEntry e = buckets[h & (buckets.length - 1)]; e != null; e = e.nextInBucket) {
            if (e.hash == h && e.matches(lHi, lLo, lPort, rHi, rLo, rPort)) return (T) e;
        }
        return null;
    }

    boolean contains(IpAddress local, int lPort, IpAddress remote, int rPort) {
        return get(local.hi(), local.lo(), lPort, remote.hi(), remote.lo(), rPort) != null;
    }

    void put(T e) {
        if (size >= buckets.length - buckets.length / 4) resize();
        int i = e.hash & (buckets.length - 1);
        e.nextInBucket = buckets[i];
        buckets[i] = e;
        size++;
    }

    boolean remove(T e) {
        int i = e.hash & (buckets.length - 1);
        FlowEntry prev = null;
        for (FlowEntry x = buckets[i]; x != null; prev = x, x = x.nextInBucket) {
            if (x == e) {
                if (prev == null) buckets[i] = x.nextInBucket;
                else prev.nextInBucket = x.nextInBucket;
                x.nextInBucket = null;
                size--;
                return true;
            }
        }
        return false;
    }

    int size() {
        return size;
    }

    /** A copy of the entries, safe to iterate while entries remove themselves. */
    @SuppressWarnings("unchecked")
    List<T> snapshot() {
        List<T> out = new ArrayList<>(size);
        for (FlowEntry head : buckets) {
            for (FlowEntry e = head; e != null; e = e.nextInBucket) out.add((T) e);
        }
        return out;
    }

    private void resize() {
        FlowEntry[] old = buckets;
        buckets = new FlowEntry[old.length * 2];
        for (FlowEntry head : old) {
            FlowEntry e = head;
            while (e != null) {
                FlowEntry next = e.nextInBucket;
                int i = e.hash & (buckets.length - 1);
                e.nextInBucket = buckets[i];
                buckets[i] = e;
                e = next;
            }
        }
    }
}
