package dev.tsj.crypto;

import static dev.tsj.crypto.WireGuardSpec.REPLAY_WINDOW_SIZE;
import static dev.tsj.crypto.WireGuardSpec.REPLAY_WINDOW_WORDS;
import static dev.tsj.crypto.WireGuardSpec.REPLAY_WINDOW_WORD_BITS;

/**
 * The sliding anti-replay window of RFC 6479 as WireGuard uses it: 8128 counters wide,
 * a ring of 64-bit words where whole words are cleared as the window slides, so each
 * check costs O(1) apart from clearing skipped words.
 *
 * <p>Not thread-safe: a peer's received packets pass through it in one thread, in order,
 * after decryption (only authenticated counters may move the window).
 */
public final class ReplayWindow {
    private static final int WORD_SHIFT = 6; // log2(64)
    private static final int RING_MASK = REPLAY_WINDOW_WORDS - 1;

    private final long[] ring = new long[REPLAY_WINDOW_WORDS];
    /** The highest counter accepted so far (0 before any). */
    private long last;

    public void reset() {
        last = 0;
        java.util.Arrays.fill(ring, 0);
    }

    /**
     * Accepts {@code counter} if it was never seen and is not older than the window and
     * below {@code limit}; records it. Counters are unsigned in the protocol; values at or
     * above REJECT_AFTER_MESSAGES never arrive here (the caller checks the limit).
     */
    public boolean accept(long counter) {
        if (Long.compareUnsigned(counter, WireGuardSpec.REJECT_AFTER_MESSAGES) >= 0) {
            return false;
        }
        long wordIndex = counter >>> WORD_SHIFT;
        if (Long.compareUnsigned(counter, last) > 0) {
            long current = last >>> WORD_SHIFT;
            long diff = Math.min(wordIndex - current, REPLAY_WINDOW_WORDS);
            for (long i = 1; i <= diff; i++) {
                ring[(int) ((current + i) & RING_MASK)] = 0;
            }
            last = counter;
        } else if (Long.compareUnsigned(last - counter, REPLAY_WINDOW_SIZE) > 0) {
            return false;
        }
        int slot = (int) (wordIndex & RING_MASK);
        long bit = 1L << (counter & (REPLAY_WINDOW_WORD_BITS - 1));
        long old = ring[slot];
        ring[slot] = old | bit;
        return (old & bit) == 0;
    }
}
