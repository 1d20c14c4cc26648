package dev.tsj.control.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where one map session stands, and its next delta: the nodes that changed since it last
 * looked (those this node may see), plus, when the node's access changed, the peers it gained
 * or lost, those whose routes it gets changed, and its new packet filter. Each peer goes out
 * as it is now, in the variant this node may see. Owned by the session's writer thread.
 */
public final class MapCursor {
    /** What to do next: send {@code message} (null: nothing to say), or a whole new map. */
    public record Step(List<byte[]> message, boolean fullMapNeeded) {
        static final Step NOTHING = new Step(null, false);
        static final Step FULL_MAP = new Step(null, true);
    }

    private final MapSubscription sub;
    private long position;
    private ViewerAccess sent;

    public MapCursor(MapSubscription sub) {
        this.sub = sub;
        restart();
    }

    /** Starts over from the subscription's full map (after it was sent again). */
    public void restart() {
        position = sub.cursor();
        sent = sub.initial().access();
    }

    public Step next() {
        MapFeed feed = sub.feed();
        Map<Long, ChangeLog.Entry> latest = new LinkedHashMap<>();
        long to = feed.changes().read(position, e -> latest.put(e.nodeId(), e));
        if (to < 0) {
            return Step.FULL_MAP;
        }
        long self = sub.nodeId();
        ViewerAccess now = feed.access().forViewer(self);
        if (now.isAll() != sent.isAll()) {
            // A policy was put in force (or taken away): everything may differ.
            return Step.FULL_MAP;
        }
        position = to;
        Set<Long> touched = new LinkedHashSet<>();
        Set<Long> removed = new LinkedHashSet<>();
        if (now != sent && !now.isAll()) {
            ViewerAccess.diff(sent, now, new ViewerAccess.Changes() {
                @Override
                public void added(long peerId) {
                    touched.add(peerId);
                }

                @Override
                public void removed(long peerId) {
                    removed.add(peerId);
                }

                @Override
                public void routesChanged(long peerId) {
                    touched.add(peerId);
                }
            });
        }
        byte[] filter = now.sameFilter(sent) ? null : now.packetFilterJson();
        sent = now;
        boolean selfChanged = false;
        for (long id : latest.keySet()) {
            if (id == self) {
                selfChanged = true;
            } else if (now.sees(id)) {
                touched.add(id);
            }
        }
        List<PeerView> changed = new ArrayList<>(touched.size());
        for (long id : touched) {
            PeerView v = id == self ? null : feed.view(id);
            if (v != null) {
                changed.add(v);
            } else if (id != self) {
                removed.add(id);
            }
        }
        PeerView selfView = selfChanged ? feed.view(self) : null;
        List<byte[]> message = MapEncoder.delta(selfView, changed, removed, filter, now);
        return message == null ? Step.NOTHING : new Step(message, false);
    }
}
