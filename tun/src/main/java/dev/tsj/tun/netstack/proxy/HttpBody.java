package dev.tsj.tun.netstack.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;

/**
 * How an HTTP/1.1 message body ends (RFC 9112 section 6.3) and how to pass one through
 * unchanged: chunked bodies are copied chunk by chunk, so the proxy knows where the
 * message ends without re-encoding it.
 */
enum HttpBody {
    NONE,
    CHUNKED,
    LENGTH,
    UNTIL_CLOSE;

    private static final int CHUNK = 16 * 1024;

    static HttpBody ofRequest(HttpHead h) throws ProtocolException {
        if (h.hasToken("Transfer-Encoding", "chunked")) return CHUNKED;
        return h.field("Content-Length") != null ? LENGTH : NONE;
    }

    static HttpBody ofResponse(HttpHead h, String requestMethod, int status) {
        if ("HEAD".equals(requestMethod) || status / 100 == 1 || status == 204 || status == 304) return NONE;
        if (h.hasToken("Transfer-Encoding", "chunked")) return CHUNKED;
        return h.field("Content-Length") != null ? LENGTH : UNTIL_CLOSE;
    }

    static long contentLength(HttpHead h) throws ProtocolException {
        try {
            long n = Long.parseLong(h.field("Content-Length").trim());
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new ProtocolException("bad Content-Length");
        }
    }

    /** Copies this kind of body of message {@code h} from {@code in} to {@code out}. */
    void copy(HttpHead h, InputStream in, OutputStream out) throws IOException {
        switch (this) {
            case NONE -> { }
            case LENGTH -> copyExactly(in, out, contentLength(h));
            case CHUNKED -> copyChunked(in, out);
            case UNTIL_CLOSE -> in.transferTo(out);
        }
        out.flush();
    }

    private static void copyExactly(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buf = new byte[CHUNK];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) throw new ProtocolException("connection closed inside an HTTP body");
            out.write(buf, 0, r);
            n -= r;
        }
    }

    private static void copyChunked(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String sizeLine = line(in);
            out.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            int semi = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
            } catch (NumberFormatException e) {
                throw new ProtocolException("bad chunk size");
            }
            if (size == 0) {
                String trailer;
                do {
                    trailer = line(in);
                    out.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                } while (!trailer.isEmpty());
                return;
            }
            copyExactly(in, out, size);
            String crlf = line(in);
            if (!crlf.isEmpty()) throw new ProtocolException("chunk not followed by CRLF");
            out.write('\r');
            out.write('\n');
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            if (sb.length() > 4096) throw new ProtocolException("chunk line too long");
            sb.append((char) c);
        }
        throw new ProtocolException("connection closed inside a chunked body");
    }
}
