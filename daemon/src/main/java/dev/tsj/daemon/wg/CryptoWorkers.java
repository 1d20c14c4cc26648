package dev.tsj.daemon.wg;

import dev.tsj.crypto.ChaChaPoly;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.logging.Logger;

/**
 * The device-wide pool of threads that seal and open packets, wireguard-go's parallel
 * crypto: the reading threads assign nonces (or look up keys) in order and queue whole
 * batches here; any worker takes the next batch; each path's output thread then takes its
 * batches back in the order they were read, waiting for each to be done. Per-peer order
 * follows from the stronger per-path order. The queue is bounded by the batches in
 * existence (each path owns a fixed pool), so nothing here allocates or grows.
 *
 * <p>Each worker keeps its own {@link ChaChaPoly} (a {@code Cipher} is stateful).
 */
final class CryptoWorkers implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CryptoWorkers.class.getName());

    /** A batch of packets to seal or open, then marked done for its output thread. */
    interface Job {
        void run(ChaChaPoly aead);
    }

    private final ArrayBlockingQueue<Job> queue;
    private final Thread[] threads;

    CryptoWorkers(int count, int capacity) {
        queue = new ArrayBlockingQueue<>(Math.max(1, capacity));
        threads = new Thread[count];
        for (int i = 0; i < count; i++) {
            threads[i] = new Thread(this::work, "wg-crypto-" + i);
            threads[i].setDaemon(true);
            threads[i].start();
        }
    }

    /**
     * The number of workers: {@code -Dtsj.crypto.workers=N} if set, else one per core on
     * machines with more than two cores. On two cores, measured with bench/run-e2e, two
     * workers cost 15% more CPU per GB (the hand-overs) and carried no more: the
     * applications at both ends already need the second core.
     */
    static int configuredCount() {
        Integer n = Integer.getInteger("tsj.crypto.workers");
        if (n != null) {
            return Math.max(0, Math.min(n, 64));
        }
        int cores = Runtime.getRuntime().availableProcessors();
        return cores > 2 ? cores : 0;
    }

    /** Queues {@code job}; never blocks longer than until a worker takes one (the queue holds every batch there is). */
    void submit(Job job) {
        if (!queue.offer(job)) {
            try {
                queue.put(job);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void work() {
        ChaChaPoly aead = new ChaChaPoly();
        while (!Thread.currentThread().isInterrupted()) {
            Job job;
            try {
                job = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                job.run(aead);
            } catch (RuntimeException e) {
                LOG.warning("crypto worker: " + e); // the job marks itself done in a finally
            }
        }
    }

    @Override
    public void close() {
        for (Thread t : threads) {
            t.interrupt();
        }
    }
}
