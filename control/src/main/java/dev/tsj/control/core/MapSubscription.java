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
    private volatile MapSnapshot initial;
    private volatile long cursor;
    private volatile ChangeLog changes;

    MapSubscription(long nodeId, PublicKey nodeKey, SessionHandle handle) {
        this.nodeId = nodeId;
        this.nodeKey = nodeKey;
        this.handle = handle;
    }

    /** Set on the core thread before the subscription is handed to the session. */
    void start(MapSnapshot snapshot, ChangeLog log) {
        this.initial = snapshot;
        this.changes = log;
        this.cursor = log.head();
    }

    /** The tailnet's change log, which this session reads from {@link #cursor()} on. */
    public ChangeLog changes() {
        return changes;
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
