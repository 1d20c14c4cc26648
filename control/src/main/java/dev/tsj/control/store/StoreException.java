package dev.tsj.control.store;

/** The database failed (disk full, corrupt file, lost connection). */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
