package dev.tsj.control.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Writes map messages ({@code mapResponse} JSON, the shape of
 * {@link dev.tsj.control.api.MapResponse}) as a list of byte segments that point into the
 * shared, pre-serialised node views, so a 10,000-peer map costs no copying until the
 * channel encrypts it.
 */
public final class MapEncoder {
    private MapEncoder() {}

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static final byte[] COMMA = ascii(",");
    private static final byte[] CLOSE_ARRAY_OBJECT = ascii("]}");
    private static final byte[] CLOSE_ARRAY = ascii("]");
    private static final byte[] CLOSE_OBJECT = ascii("}");

    public static List<byte[]> full(MapSnapshot s) {
        List<byte[]> out = new ArrayList<>(2 * s.peers().size() + 8);
        out.add(ascii("{\"type\":\"mapResponse\",\"full\":true,\"keepAliveSeconds\":" + s.keepAliveSeconds()
                + ",\"packetFilter\":"));
        out.add(s.access().packetFilterJson());
        out.add(ascii(",\"dns\":"));
        out.add(s.dnsJson());
        if (s.relaysJson() != null) {
            out.add(ascii(",\"relays\":"));
            out.add(s.relaysJson());
        }
        out.add(ascii(",\"self\":"));
        out.add(s.self().json());
        out.add(ascii(",\"peers\":["));
        appendJoined(out, s.peers(), s.access());
        out.add(CLOSE_ARRAY_OBJECT);
        return out;
    }

    /**
     * A delta: the node itself if it changed, the peers that changed or appeared (in the
     * variant {@code viewer} sees), the ids of peers gone, and a new packet filter (null:
     * unchanged). Returns null when it would say nothing.
     */
    static List<byte[]> delta(PeerView self, List<PeerView> changed, Collection<Long> removed, byte[] packetFilter,
                              ViewerAccess viewer) {
        if (self == null && changed.isEmpty() && removed.isEmpty() && packetFilter == null) {
            return null;
        }
        List<byte[]> out = new ArrayList<>(2 * changed.size() + 8);
        out.add(ascii("{\"type\":\"mapResponse\",\"full\":false"));
        if (packetFilter != null) {
            out.add(ascii(",\"packetFilter\":"));
            out.add(packetFilter);
        }
        if (self != null) {
            out.add(ascii(",\"self\":"));
            out.add(self.json());
        }
        if (!changed.isEmpty()) {
            out.add(ascii(",\"peersChanged\":["));
            appendJoined(out, changed, viewer);
            out.add(CLOSE_ARRAY);
        }
        if (!removed.isEmpty()) {
            StringBuilder ids = new StringBuilder();
            for (long id : removed) {
                ids.append(ids.isEmpty() ? "" : ",").append(id);
            }
            out.add(ascii(",\"peersRemoved\":[" + ids + "]"));
        }
        out.add(CLOSE_OBJECT);
        return out;
    }

    private static void appendJoined(List<byte[]> out, List<PeerView> views, ViewerAccess viewer) {
        for (int i = 0; i < views.size(); i++) {
            if (i > 0) {
                out.add(COMMA);
            }
            out.add(views.get(i).jsonFor(viewer));
        }
    }
}
