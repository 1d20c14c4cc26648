package dev.tsj.tun.netstack.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/** The start line and header fields of an HTTP/1.x message (RFC 9112 section 2). */
record HttpHead(String startLine, List<String[]> fields) {
    /** Headers larger than this are refused, as every server bounds them. */
    static final int MAX_BYTES = 64 * 1024;

    /** Reads a head; null at end of stream before its first byte. */
    static HttpHead read(InputStream in) throws IOException {
        int[] budget = {MAX_BYTES};
        String start = readLine(in, budget);
        while (start != null && start.isEmpty()) start = readLine(in, budget); // RFC 9112 2.2: ignore leading empty lines
        if (start == null) return null;
        List<String[]> fields = new ArrayList<>();
        while (true) {
            String line = readLine(in, budget);
            if (line == null) throw new ProtocolException("connection closed inside an HTTP header");
            if (line.isEmpty()) return new HttpHead(start, fields);
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') throw new ProtocolException("malformed header line");
            fields.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
        }
    }

    private static String readLine(InputStream in, int[] budget) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int c;
        while ((c = in.read()) >= 0) {
            if (--budget[0] < 0) throw new ProtocolException("HTTP header too large");
            if (c == '\n') {
                byte[] b = line.toByteArray();
                int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
                return new String(b, 0, len, StandardCharsets.ISO_8859_1);
            }
            line.write(c);
        }
        if (line.size() > 0) throw new ProtocolException("connection closed inside an HTTP header");
        return null;
    }

    String field(String name) {
        for (String[] f : fields) {
            if (f[0].equalsIgnoreCase(name)) return f[1];
        }
        return null;
    }

    /** Whether a comma-separated field (Connection, Transfer-Encoding) lists {@code token}. */
    boolean hasToken(String name, String token) {
        for (String[] f : fields) {
            if (!f[0].equalsIgnoreCase(name)) continue;
            for (String t : f[1].split(",")) {
                if (t.trim().equalsIgnoreCase(token)) return true;
            }
        }
        return false;
    }

    /** Writes {@code start} and the fields {@code keep} accepts, then {@code extra} fields. */
    void writeTo(OutputStream out, String start, Predicate<String> keep, String... extra) throws IOException {
        StringBuilder sb = new StringBuilder(start).append("\r\n");
        for (String[] f : fields) {
            if (keep.test(f[0].toLowerCase(Locale.ROOT))) sb.append(f[0]).append(": ").append(f[1]).append("\r\n");
        }
        for (String e : extra) sb.append(e).append("\r\n");
        sb.append("\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }
}
