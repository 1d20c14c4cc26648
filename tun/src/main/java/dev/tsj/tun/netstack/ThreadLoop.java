package dev.tsj.tun.netstack;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/** An {@link EventLoop} on its own platform thread, on the real monotonic clock. */
public final class ThreadLoop extends EventLoop {
    private static final int AWAKE = 0;
    private static final int SLEEPING = 1;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(ThreadLoop.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Thread thread;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    public ThreadLoop(String name) {
        thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
        thread.start();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    @Override
    public void wakeup() {
        // Producers queue first, then look: either they see SLEEPING and unpark, or the
        // loop's re-check after publishing SLEEPING sees their work.
        if ((int) STATE.getVolatile(this) == SLEEPING && STATE.compareAndSet(this, SLEEPING, AWAKE)) {
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        while (!closed) {
            if (runOnce()) continue;
            STATE.setVolatile(this, SLEEPING);
            if (hasPendingWork() || closed) {
                STATE.setVolatile(this, AWAKE);
                continue;
            }
            long next = timers.nextDeadline();
            if (next == Timer.DISARMED) {
                LockSupport.park(this);
            } else {
                long wait = next - System.nanoTime();
                if (wait > 0) LockSupport.parkNanos(this, wait);
            }
            STATE.setVolatile(this, AWAKE);
        }
        drainTasks();
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        if (!inLoop()) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
