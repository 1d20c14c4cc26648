package dev.tsj.tun.netstack;

import io.netty.util.internal.PlatformDependent;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The single thread of control that owns a network stack's state: every connection,
 * table and timer is touched only from here, so the packet path takes no locks. Other
 * threads reach it through {@link #execute}. The loop also owns the clock, so a test
 * can replace real time with {@link VirtualTimeLoop} and run minutes of TCP timers in
 * milliseconds, deterministically.
 */
public abstract class EventLoop implements Executor, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventLoop.class.getName());
    /** Tasks run per turn before packets and timers get their turn again. */
    private static final int TASK_BUDGET = 1024;

    private final Queue<Runnable> tasks = PlatformDependent.newMpscQueue();
    final TimerQueue timers = new TimerQueue();
    private LoopParticipant[] participants = new LoopParticipant[0];
    volatile boolean closed;

    /** The loop's clock in nanoseconds (monotonic, arbitrary origin). */
    public abstract long nanoTime();

    /** Whether the calling thread is the loop's thread. */
    public abstract boolean inLoop();

    /** Makes a sleeping loop look at its queues again; callable from any thread. */
    public abstract void wakeup();

    @Override
    public void execute(Runnable task) {
        if (closed) throw new RejectedExecutionException("event loop closed");
        tasks.offer(task);
        wakeup();
    }

    /** Runs the task now when called on the loop, else queues it. */
    public void runOnLoop(Runnable task) {
        if (inLoop()) task.run();
        else execute(task);
    }

    /** Like {@link #runOnLoop}, but returns false instead of throwing once the loop is closed. */
    public boolean tryRunOnLoop(Runnable task) {
        try {
            runOnLoop(task);
            return true;
        } catch (RejectedExecutionException closedLoop) {
            return false;
        }
    }

    final void register(LoopParticipant p) {
        runOnLoop(() -> {
            participants = Arrays.copyOf(participants, participants.length + 1);
            participants[participants.length - 1] = p;
        });
    }

    final void unregister(LoopParticipant p) {
        runOnLoop(() -> participants = Arrays.stream(participants).filter(x -> x != p).toArray(LoopParticipant[]::new));
    }

    final void arm(Timer t, long deadline) {
        timers.arm(t, deadline);
    }

    final void armAfter(Timer t, long delayNanos) {
        timers.arm(t, nanoTime() + delayNanos);
    }

    final void cancel(Timer t) {
        timers.cancel(t);
    }

    final void remove(Timer t) {
        timers.remove(t);
    }

    /** One turn of the loop; returns whether it found anything to do. */
    protected final boolean runOnce() {
        boolean worked = false;
        for (LoopParticipant p : participants) {
            try {
                worked |= p.poll();
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "netstack: input processing failed", e);
                worked = true;
            }
        }
        Runnable task;
        for (int n = 0; n < TASK_BUDGET && (task = tasks.poll()) != null; n++) {
            worked = true;
            safeRun(task);
        }
        try {
            if (timers.runExpired(nanoTime()) > 0) worked = true;
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "netstack: timer action failed", e);
            worked = true;
        }
        for (LoopParticipant p : participants) {
            try {
                p.flush();
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "netstack: output failed", e);
            }
        }
        return worked;
    }

    /** Whether a turn would find work right now (tasks or input queued by other threads). */
    protected final boolean hasPendingWork() {
        if (!tasks.isEmpty()) return true;
        for (LoopParticipant p : participants) {
            if (p.hasPendingInput()) return true;
        }
        return false;
    }

    /** Drains queued tasks once more (at close) so that no caller waits forever. */
    protected final void drainTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            safeRun(task);
        }
    }

    private static void safeRun(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            // A faulty callback must not take every connection of the stack down with it.
            LOG.log(System.Logger.Level.ERROR, "netstack: task failed", e);
        }
    }

    @Override
    public abstract void close();
}
