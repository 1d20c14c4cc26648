package dev.tsj.tun.netstack;

/**
 * The sender's record of what the peer reported with SACK (RFC 2018): byte ranges above
 * SND.UNA that arrived, in absolute sequence numbers, sorted, disjoint, bounded in number
 * (a full board ignores new separate ranges, which only makes recovery more cautious).
 * Answers the questions of RFC 6675: how much is SACKed, where the next hole is, and
 * which unSACKed bytes count as lost. Loop-confined.
 */
final class SackScoreboard {
    private final int[] starts;
    private final int[] ends;
    private int count;

    SackScoreboard(int maxRanges) {
        starts = new int[maxRanges];
        ends = new int[maxRanges];
    }

    boolean isEmpty() {
        return count == 0;
    }

    void clear() {
        count = 0;
    }

    /** The highest SACKed sequence number (exclusive end); {@code una} when nothing is SACKed. */
    int highest(int una) {
        return count == 0 ? una : ends[count - 1];
    }

    /** Records {@code [start, end)}, merging with ranges it touches. */
    void add(int start, int end) {
        if (!Seq.lt(start, end)) return;
        int i = 0;
        while (i < count && Seq.lt(ends[i], start)) i++;
        int j = i;
        while (j < count && Seq.le(starts[j], end)) j++;
        if (i == j) {
            if (count == starts.length) return;
            System.arraycopy(starts, i, starts, i + 1, count - i);
            System.arraycopy(ends, i, ends, i + 1, count - i);
            starts[i] = start;
            ends[i] = end;
            count++;
            return;
        }
        int newStart = Seq.lt(start, starts[i]) ? start : starts[i];
        int newEnd = Seq.gt(end, ends[j - 1]) ? end : ends[j - 1];
        starts[i] = newStart;
        ends[i] = newEnd;
        int removed = j - i - 1;
        System.arraycopy(starts, j, starts, i + 1, count - j);
        System.arraycopy(ends, j, ends, i + 1, count - j);
        count -= removed;
    }

    /** Forgets everything below the new SND.UNA. */
    void advance(int una) {
        int drop = 0;
        while (drop < count && Seq.le(ends[drop], una)) drop++;
        if (drop > 0) {
            count -= drop;
            System.arraycopy(starts, drop, starts, 0, count);
            System.arraycopy(ends, drop, ends, 0, count);
        }
        if (count > 0 && Seq.lt(starts[0], una)) starts[0] = una;
    }

    int sackedBytes() {
        int sum = 0;
        for (int i = 0; i < count; i++) sum += ends[i] - starts[i];
        return sum;
    }

    /** SACKed bytes below {@code seq}. */
    int sackedBelow(int seq) {
        int sum = 0;
        for (int i = 0; i < count && Seq.lt(starts[i], seq); i++) {
            sum += (Seq.lt(ends[i], seq) ? ends[i] : seq) - starts[i];
        }
        return sum;
    }

    /** The first sequence number at or after {@code from} that is not SACKed. */
    int nextUnsacked(int from) {
        for (int i = 0; i < count; i++) {
            if (Seq.le(starts[i], from) && Seq.lt(from, ends[i])) return ends[i];
            if (Seq.gt(starts[i], from)) break;
        }
        return from;
    }

    /** Where the unSACKed run starting at {@code seq} ends: the next SACKed range, or {@code seq} if none lies above. */
    int holeEnd(int seq) {
        for (int i = 0; i < count; i++) {
            if (Seq.gt(starts[i], seq)) return starts[i];
        }
        return seq;
    }

    /**
     * RFC 6675 IsLost: an unSACKed byte is lost when at least {@code threshold} SACKed
     * bytes lie above it. Returns the boundary: every unSACKed byte below it is lost.
     */
    int lostBoundary(int una, int threshold) {
        int above = 0;
        for (int i = count - 1; i >= 0; i--) {
            above += ends[i] - starts[i];
            if (above >= threshold) return starts[i];
        }
        return una;
    }
}
