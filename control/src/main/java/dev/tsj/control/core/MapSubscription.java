package dev.tsj.control.core;

import dev.tsj.crypto.PublicKey;

/**
 * A map session as the core tracks it: which node, under which node key, where it starts
 * reading the change log, and the full map it must send first.
 */
public final class MapSubscription {
    private final long nodeId;
    private final PublicKey nodeKey;
    private final SessionHandle handle;
    private MapSnapshot initial;
    private long cursor;

    MapSubscription(long nodeId, PublicKey nodeKey, SessionHandle handle) {
        this.nodeId = nodeId;
        this.nodeKey = nodeKey;
        this.handle = handle;
    }

    /** Set on the core thread before the subscription is handed to the session. */
    void start(MapSnapshot snapshot, long logCursor) {
        this.initial = snapshot;
        this.cursor = logCursor;
    }

    public long nodeId() {
        return nodeId;
    }

    PublicKey nodeKey() {
        return nodeKey;
    }

    SessionHandle handle() {
        return handle;
    }

    /** The full map as it was when the session subscribed. */
    public MapSnapshot initial() {
        return initial;
    }

    /** The change-log position matching {@link #initial()}. */
    public long cursor() {
        return cursor;
    }
}
