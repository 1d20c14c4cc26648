package dev.tsj.control.core;

import dev.tsj.control.EventLog;
import dev.tsj.control.api.ErrorCode;
import dev.tsj.control.policy.PolicyException;
import dev.tsj.control.store.Store;
import dev.tsj.control.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The single thread that owns the tailnet. Connections and admin requests hand it work and
 * wait for the answer; timers (key expiry, ephemeral clean-up) run on it too. One owner
 * means no locks in the domain code and a single writer for SQLite.
 */
public final class Core implements Scheduler, AutoCloseable {
    /** Work done on the core thread. */
    public interface Task<T> {
        T run(Tailnet tailnet, TailnetAdmin admin) throws ControlError;
    }

    private final ScheduledThreadPoolExecutor exec;
    private final EventLog log;
    private final Store store;
    private final Tailnet tailnet;
    private final TailnetAdmin admin;

    /**
     * Loads the tailnet and starts its thread. {@code initialPolicy}: policy text that
     * replaces the stored one, or null; one that does not parse is refused, nothing started.
     */
    public Core(Store store, TailnetConfig config, Clock clock, EventLog log, String initialPolicy) throws PolicyException {
        this.log = log;
        this.store = store;
        this.exec = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "control-core");
            th.setDaemon(true);
            return th;
        });
        exec.setRemoveOnCancelPolicy(true);
        try {
            this.tailnet = new Tailnet(store, config, clock, log, this, initialPolicy);
        } catch (PolicyException | RuntimeException e) {
            exec.shutdownNow();
            throw e;
        }
        this.admin = new TailnetAdmin(tailnet);
        exec.scheduleWithFixedDelay(() -> guarded(tailnet::sweepExpiry), 1, 1, TimeUnit.SECONDS);
    }

    /** Runs {@code task} on the core thread and waits for it. */
    public <T> T call(Task<T> task) throws ControlError {
        Future<T> f;
        try {
            f = exec.submit(() -> task.run(tailnet, admin));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new ControlError(ErrorCode.UNAVAILABLE, "server is shutting down");
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlError(ErrorCode.UNAVAILABLE, "interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof ControlError ce) {
                throw ce;
            }
            if (c instanceof StoreException se) {
                log.warn("store.error", "error", se.getMessage());
                throw new ControlError(ErrorCode.INTERNAL, "internal error: the server's database failed");
            }
            log.warn("core.error", "error", String.valueOf(c));
            throw new ControlError(ErrorCode.INTERNAL, "internal error");
        }
    }

    /** Runs {@code task} on the core thread without waiting (for session clean-up). */
    public void post(Task<?> task) {
        try {
            exec.execute(() -> guarded(() -> {
                try {
                    task.run(tailnet, admin);
                } catch (ControlError e) {
                    log.warn("core.error", "error", e.getMessage());
                }
            }));
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // shutting down: the state is being persisted by close()
        }
    }

    @Override
    public void schedule(Duration delay, Runnable task) {
        try {
            exec.schedule(() -> guarded(task), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // shutting down
        }
    }

    private void guarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("core.error", "error", String.valueOf(e));
        }
    }

    /** Persists what is only in memory, stops the thread, closes the store. */
    @Override
    public void close() {
        try {
            exec.submit(tailnet::shutdown).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("core.shutdown_error", "error", String.valueOf(e));
        }
        exec.shutdownNow();
        try {
            exec.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }
}
