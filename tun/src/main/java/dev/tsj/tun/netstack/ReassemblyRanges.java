package dev.tsj.tun.netstack;

/**
 * Which byte ranges past the next expected sequence number have arrived out of order.
 * Offsets are relative to RCV.NXT and kept sorted, disjoint and non-adjacent. The count
 * of ranges is bounded, so a peer spraying tiny scattered segments cannot make the
 * receiver do unbounded bookkeeping (the data itself lives in the receive buffer).
 * Loop-confined.
 */
final class ReassemblyRanges {
    private final int[] starts;
    private final int[] ends;
    private int count;
    /** Index of the range most recently extended, reported first in SACK (RFC 2018 section 4). */
    private int latest = -1;

    ReassemblyRanges(int maxRanges) {
        starts = new int[maxRanges];
        ends = new int[maxRanges];
    }

    boolean isEmpty() {
        return count == 0;
    }

    int count() {
        return count;
    }

    int start(int i) {
        return starts[i];
    }

    int end(int i) {
        return ends[i];
    }

    int latest() {
        return latest;
    }

    /**
     * Records that {@code [start, end)} arrived. Returns false when it would need a range
     * beyond the bound (the caller drops the segment; the peer will send it again).
     */
    boolean add(int start, int end) {
        int i = 0;
        while (i < count && ends[i] < start) i++;
        // ranges [i, j) touch or overlap the new one
        int j = i;
        while (j < count && starts[j] <= end) j++;
        if (i == j) {
            if (count == starts.length) return false;
            System.arraycopy(starts, i, starts, i + 1, count - i);
            System.arraycopy(ends, i, ends, i + 1, count - i);
            starts[i] = start;
            ends[i] = end;
            count++;
        } else {
            starts[i] = Math.min(start, starts[i]);
            ends[i] = Math.max(end, ends[j - 1]);
            int removed = j - i - 1;
            System.arraycopy(starts, j, starts, i + 1, count - j);
            System.arraycopy(ends, j, ends, i + 1, count - j);
            count -= removed;
        }
        latest = i;
        return true;
    }

    /**
     * In-order bytes {@code [0, len)} arrived: absorbs the ranges they reach, shifts the
     * rest so that the new contiguous end becomes the origin, and returns how far the
     * contiguous data now extends (at least {@code len}). Never fails for lack of room.
     */
    int advance(int len) {
        int end = len;
        int absorbed = 0;
        while (absorbed < count && starts[absorbed] <= end) {
            end = Math.max(end, ends[absorbed]);
            absorbed++;
        }
        count -= absorbed;
        System.arraycopy(starts, absorbed, starts, 0, count);
        System.arraycopy(ends, absorbed, ends, 0, count);
        for (int k = 0; k < count; k++) {
            starts[k] -= end;
            ends[k] -= end;
        }
        latest = latest >= absorbed ? latest - absorbed : -1;
        return end;
    }

    void clear() {
        count = 0;
        latest = -1;
    }
}
