package dev.tsj.bench.e2e;

/** A failure of the harness itself, reported to the user as one line. */
final class HarnessException extends RuntimeException {
    HarnessException(String message) {
        super(message);
    }
}
