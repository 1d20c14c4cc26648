package dev.tsj.control.admin;

/** An admin request that failed: the server refused it or could not be reached. The message is for the user. */
public final class AdminException extends Exception {
    public AdminException(String message) {
        super(message, null, false, false);
    }
}
