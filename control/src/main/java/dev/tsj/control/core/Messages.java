package dev.tsj.control.core;

/** The user-facing lines of refusals that the CLI prints verbatim. */
public final class Messages {
    private Messages() {}

    public static final String AUTH_KEY_INVALID = "invalid auth key";
    public static final String AUTH_KEY_USED = "auth key already used: single-use keys register one node; create a new key";
    public static final String AUTH_KEY_EXPIRED = "auth key expired: create a new key";
    public static final String AUTH_KEY_REQUIRED = "this node is not registered: run tsj up with an auth key";
    public static final String NODE_KEY_EXPIRED = "node key expired: re-run tsj up with an auth key";
    public static final String NOT_REGISTERED = "this node is not registered (deleted or logged out): run tsj up with an auth key";
    public static final String NODE_DELETED = "this node was deleted by an administrator: run tsj up with an auth key";
    public static final String NODE_KEY_REPLACED = "this node logged in again with a new node key";
}
