package dev.tsj.control.core;

import dev.tsj.control.store.NodeRow;
import java.util.ArrayList;
import java.util.List;

/** The core's mutable record of one node: its stored row, its live sessions, its current view. Core thread only. */
final class NodeState {
    NodeRow row;
    final List<MapSubscription> sessions = new ArrayList<>();
    PeerView view;
    /** Whether peers have been told that the key expired (so it happens once). */
    boolean expiryPublished;
    /** Bumped whenever the node goes offline; a scheduled ephemeral removal checks it. */
    long offlineEpoch;
    /** The home relay region the node last reported (0: none); live state, not stored. */
    int homeRelay;

    NodeState(NodeRow row) {
        this.row = row;
    }

    boolean online() {
        return !sessions.isEmpty();
    }

    long id() {
        return row.id();
    }
}
