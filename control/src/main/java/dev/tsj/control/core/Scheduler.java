package dev.tsj.control.core;

import java.time.Duration;

/** Runs a task later on the core thread. */
public interface Scheduler {
    void schedule(Duration delay, Runnable task);
}
