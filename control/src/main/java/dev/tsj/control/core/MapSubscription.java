package dev.tsj.control.core;

import dev.tsj.crypto.PublicKey;

/**
 * A map session as the core tracks it: which node, under which node key, the full map it
 * must send first, and the feed its writer reads changes from afterwards.
 */
public final class MapSubscription {
    private final long nodeId;
    private final PublicKey nodeKey;
    private final SessionHandle handle;
    private volatile MapSnapshot initial;
    private volatile long cursor;
    private volatile MapFeed feed;

    MapSubscription(long nodeId, PublicKey nodeKey, SessionHandle handle) {
        this.nodeId = nodeId;
        this.nodeKey = nodeKey;
        this.handle = handle;
    }

    /** Set on the core thread before the subscription is handed to the session. */
    void start(MapSnapshot snapshot, MapFeed feed) {
        this.initial = snapshot;
        this.feed = feed;
        this.cursor = feed.changes().head();
    }

    MapFeed feed() {
        return feed;
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

    /** The full map as it was when the session subscribed (or last resynchronised). */
    public MapSnapshot initial() {
        return initial;
    }

    /** The change-log position matching {@link #initial()}. */
    long cursor() {
        return cursor;
    }
}
