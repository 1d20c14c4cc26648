package dev.tsj.crypto;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The 8128-wide sliding window: duplicates, reordering within the window, and falling out of it. */
class ReplayWindowTest {
    private static final int W = WireGuardSpec.REPLAY_WINDOW_SIZE;

    @Test
    void acceptsEachCounterOnce() {
        ReplayWindow w = new ReplayWindow();
        assertTrue(w.accept(0));
        assertFalse(w.accept(0));
        assertTrue(w.accept(1));
        assertTrue(w.accept(3));
        assertTrue(w.accept(2), "reordered but new");
        assertFalse(w.accept(2));
        assertFalse(w.accept(3));
    }

    @Test
    void windowIs8128Wide() {
        ReplayWindow w = new ReplayWindow();
        long top = 100_000;
        assertTrue(w.accept(top));
        assertTrue(w.accept(top - W), "exactly the window's edge");
        assertFalse(w.accept(top - W - 1), "just outside");
        assertFalse(w.accept(top - W));
    }

    @Test
    void largeJumpForgetsOldBits() {
        ReplayWindow w = new ReplayWindow();
        for (long i = 0; i < 200; i++) {
            assertTrue(w.accept(i));
        }
        long far = 1L << 40;
        assertTrue(w.accept(far));
        assertFalse(w.accept(5));
        assertTrue(w.accept(far - 1));
        assertTrue(w.accept(far - 64));
        assertTrue(w.accept(far + 64 * 200), "jump across the whole ring clears it");
        assertTrue(w.accept(far + 64 * 200 - 63));
    }

    @Test
    void everyCounterInAShuffledWindowIsAcceptedOnce() {
        ReplayWindow w = new ReplayWindow();
        java.util.Random r = new java.util.Random(7);
        int n = 20_000;
        boolean[] seen = new boolean[n];
        long top = -1;
        for (int k = 0; k < 200_000; k++) {
            int c = (int) Math.max(0, Math.min(n - 1, top + r.nextInt(200) - 100));
            boolean fresh = !seen[c] && (top - c) <= W;
            boolean got = w.accept(c);
            if (got) {
                seen[c] = true;
                top = Math.max(top, c);
            }
            if (fresh != got) {
                throw new AssertionError("counter " + c + " expected " + fresh + " got " + got);
            }
        }
    }

    @Test
    void rejectsCountersAtTheProtocolLimit() {
        ReplayWindow w = new ReplayWindow();
        assertFalse(w.accept(WireGuardSpec.REJECT_AFTER_MESSAGES));
        assertFalse(w.accept(-1L));
        assertTrue(w.accept(WireGuardSpec.REJECT_AFTER_MESSAGES - 1));
    }
}
