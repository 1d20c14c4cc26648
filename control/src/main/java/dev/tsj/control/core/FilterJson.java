package dev.tsj.control.core;

import dev.tsj.control.api.FilterRule;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes packet filters exactly as {@link dev.tsj.control.api.ApiJson} would, but serialises
 * each distinct source list once. Many nodes receive a rule with the same sources (every
 * server gets "all members": thousands of addresses) and differ only in its destinations, so
 * this turns a thousand-node compilation's megabytes of serialisation into kilobytes.
 * One instance per compilation; not thread-safe.
 */
final class FilterJson {
    private static final byte[] SOURCES = ascii("{\"srcIps\":");
    private static final byte[] DESTINATIONS = ascii(",\"dstPorts\":");
    private static final byte[] PROTOCOLS = ascii(",\"ipProto\":");

    private final Map<List<String>, byte[]> sources = new HashMap<>();

    byte[] write(List<FilterRule> filter) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * (filter.size() + 1));
        out.write('[');
        for (int i = 0; i < filter.size(); i++) {
            FilterRule r = filter.get(i);
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(SOURCES);
            out.writeBytes(sources.computeIfAbsent(r.srcIps(), PeerView::serialise));
            out.writeBytes(DESTINATIONS);
            out.writeBytes(PeerView.serialise(r.dstPorts()));
            out.writeBytes(PROTOCOLS);
            out.writeBytes(PeerView.serialise(r.ipProto()));
            out.write('}');
        }
        out.write(']');
        return out.toByteArray();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
