package dev.tsj.it;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Waiting for a condition by polling, never by a bare sleep: returns as soon as it holds. */
public final class Poll {
    private static final long FIRST_INTERVAL_MS = 50;
    private static final long MAX_INTERVAL_MS = 500;

    private Poll() {}

    @FunctionalInterface
    public interface Probe<T> {
        /** The value once the awaited state is reached, or empty to keep waiting. */
        Optional<T> probe() throws Exception;
    }

    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls until {@code condition} holds; fails after {@code timeout} with {@code diagnostics}. */
    public static void until(Duration timeout, String what, Supplier<String> diagnostics, Condition condition) {
        value(timeout, what, diagnostics, () -> condition.holds() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    /** Polls until {@code probe} yields a value and returns it; fails after {@code timeout}. */
    public static <T> T value(Duration timeout, String what, Supplier<String> diagnostics, Probe<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long interval = FIRST_INTERVAL_MS;
        Exception last = null;
        while (true) {
            try {
                Optional<T> v = probe.probe();
                if (v.isPresent()) {
                    return v.get();
                }
            } catch (Exception e) {
                last = e; // transient, perhaps: keep polling (an AssertionError is final and propagates)
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
                        + (last == null ? "" : " (last error: " + last.getMessage() + ")") + "\n" + diagnostics.get(), last);
            }
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
            interval = Math.min(MAX_INTERVAL_MS, interval * 2);
        }
    }
}
