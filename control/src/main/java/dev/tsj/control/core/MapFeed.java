package dev.tsj.control.core;

import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * What the session writers read, each from its own thread: which nodes changed (the change
 * log), how each node looks now, and what each node may see now.
 */
final class MapFeed {
    private final ChangeLog changes;
    private final LongFunction<PeerView> views;
    private final Supplier<Access> access;

    MapFeed(ChangeLog changes, LongFunction<PeerView> views, Supplier<Access> access) {
        this.changes = changes;
        this.views = views;
        this.access = access;
    }

    ChangeLog changes() {
        return changes;
    }

    /** The node's current view, or null when it is no longer in the map (deleted or expired). */
    PeerView view(long nodeId) {
        return views.apply(nodeId);
    }

    Access access() {
        return access.get();
    }
}
