package dev.tsj.control.core;

/**
 * The tailnet's recent node changes, in order: one writer (the core thread) appends, every
 * map session reads from its own cursor. A change is appended once, whatever the number
 * of sessions; each session later reads only what happened since it last looked. A
 * session that falls more than the ring's capacity behind gets a full map instead.
 */
public final class ChangeLog {
    /** One change: the node's new view, or null when the node left the map. */
    public record Entry(long seq, long nodeId, PeerView view) {}

    private final Entry[] ring;
    private final int mask;
    private volatile long head;

    public ChangeLog(int capacityPowerOfTwo) {
        if (Integer.bitCount(capacityPowerOfTwo) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two");
        }
        ring = new Entry[capacityPowerOfTwo];
        mask = capacityPowerOfTwo - 1;
    }

    /** The sequence number the next change will get; a new session starts reading here. */
    public long head() {
        return head;
    }

    /** Core thread only. */
    void append(long nodeId, PeerView view) {
        long seq = head;
        ring[(int) (seq & mask)] = new Entry(seq, nodeId, view);
        head = seq + 1; // volatile write publishes the slot
    }

    /** Receives the entries a reader has not seen. */
    public interface Reader {
        void accept(Entry e);
    }

    /**
     * Hands the entries from {@code from} to the current head to {@code reader}, oldest
     * first; returns the new cursor, or -1 when some of them have been overwritten (the
     * reader must resynchronise with a full map).
     */
    public long read(long from, Reader reader) {
        long to = head;
        if (to - from > ring.length) {
            return -1;
        }
        for (long s = from; s < to; s++) {
            Entry e = ring[(int) (s & mask)];
            if (e == null || e.seq() != s) {
                return -1;
            }
            reader.accept(e);
        }
        return to;
    }
}
