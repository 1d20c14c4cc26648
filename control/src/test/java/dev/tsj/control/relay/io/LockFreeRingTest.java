package dev.tsj.control.relay.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LockFreeRingTest {
    @Test
    void boundedAndInOrder() {
        LockFreeRing<Integer> r = new LockFreeRing<>(5);
        assertEquals(8, r.capacity());
        assertTrue(r.isEmpty());
        for (int i = 0; i < 8; i++) {
            assertTrue(r.offer(i));
        }
        assertFalse(r.offer(8), "full refuses");
        for (int i = 0; i < 8; i++) {
            assertEquals(i, r.poll());
        }
        assertNull(r.poll());
        assertTrue(r.isEmpty());
    }

    @Test
    void manyProducersOneConsumerLoseNothingAndDuplicateNothing() throws Exception {
        LockFreeRing<Long> r = new LockFreeRing<>(64);
        int producers = 2;
        int each = 20_000;
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            long base = (long) p * each;
            threads.add(Thread.ofPlatform().start(() -> {
                for (long i = 0; i < each; i++) {
                    while (!r.offer(base + i)) {
                        Thread.onSpinWait();
                    }
                }
            }));
        }
        boolean[] seen = new boolean[producers * each];
        long[] lastOf = new long[producers];
        java.util.Arrays.fill(lastOf, -1);
        AtomicLong got = new AtomicLong();
        while (got.get() < (long) producers * each) {
            Long v = r.poll();
            if (v == null) {
                Thread.onSpinWait();
                continue;
            }
            int idx = (int) (long) v;
            assertFalse(seen[idx], "duplicate " + idx);
            seen[idx] = true;
            int producer = idx / each;
            assertTrue(v > lastOf[producer], "one producer's items stay in order");
            lastOf[producer] = v;
            got.incrementAndGet();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertNull(r.poll());
    }
}
