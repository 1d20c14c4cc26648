package dev.tsj.control.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The head of an HTTP/1.1 request or response: start line and headers, as the control
 * server's front door needs them (GET /key, the upgrade to the Noise channel, later the
 * relay). Header names are kept lower-case. Bytes read past the head are kept in
 * {@link #leftover()} for whoever reads the stream next.
 */
public record HttpHead(String first, String second, String third, Map<String, String> headers, byte[] leftover) {
    /** The most a head may take; more is refused (431 / protocol error). */
    public static final int MAX_HEAD = 8192;

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Whether a comma-separated header such as Connection holds {@code token}. */
    public boolean headerHasToken(String name, String token) {
        String v = header(name);
        if (v == null) {
            return false;
        }
        for (String t : v.split(",")) {
            if (t.strip().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    /** Reads a head; throws {@link HttpException} on a malformed or oversized one. */
    public static HttpHead read(InputStream in) throws IOException {
        byte[] buf = new byte[1024];
        int fill = 0;
        int end;
        while ((end = headEnd(buf, fill)) < 0) {
            if (fill == MAX_HEAD) {
                throw new HttpException(431, "request header too large");
            }
            if (fill == buf.length) {
                buf = Arrays.copyOf(buf, Math.min(buf.length * 2, MAX_HEAD));
            }
            int n = in.read(buf, fill, buf.length - fill);
            if (n < 0) {
                throw new HttpException(400, fill == 0 ? "connection closed" : "connection closed inside the header");
            }
            fill += n;
        }
        String text = new String(buf, 0, end, StandardCharsets.ISO_8859_1);
        byte[] leftover = Arrays.copyOfRange(buf, end + 4, fill);
        String[] lines = text.split("\r\n");
        String[] start = lines[0].split(" ", 3);
        if (start.length < 2) {
            throw new HttpException(400, "malformed start line");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw new HttpException(400, "malformed header line");
            }
            String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
            headers.merge(name, lines[i].substring(colon + 1).strip(), (a, b) -> a + ", " + b);
        }
        return new HttpHead(start[0], start[1], start.length > 2 ? start[2] : "", Map.copyOf(headers), leftover);
    }

    private static int headEnd(byte[] b, int fill) {
        for (int i = 0; i + 3 < fill; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
