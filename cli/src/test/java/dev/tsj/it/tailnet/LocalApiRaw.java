package dev.tsj.it.tailnet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Raw bytes to tsjd's LocalAPI socket, for what no well-behaved client sends: malformed
 * JSON, lying Content-Length headers, oversized bodies, garbage instead of HTTP.
 */
final class LocalApiRaw {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What came back: the status code and the JSON body (null when it is not JSON). */
    record Answer(int status, String raw, JsonNode body) {
        String error() {
            return body == null ? "" : body.path("error").asText("");
        }
    }

    private LocalApiRaw() {}

    /** A request with a correct Content-Length. */
    static Answer request(Path socket, String method, String path, byte[] body) {
        String head = method + " " + path + " HTTP/1.1\r\nHost: local-tsjd\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        return send(socket, concat(head.getBytes(StandardCharsets.ISO_8859_1), body), true);
    }

    static Answer request(Path socket, String method, String path, String body) {
        return request(socket, method, path, body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends {@code bytes} as they are, then (with {@code closeWrite}) ends our side of the
     * stream, so a server waiting for more sees end-of-file rather than hanging.
     */
    static Answer send(Path socket, byte[] bytes, boolean closeWrite) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.wrap(bytes);
            try {
                while (out.hasRemaining()) {
                    ch.write(out);
                }
                if (closeWrite) {
                    ch.shutdownOutput();
                }
            } catch (IOException e) {
                // The server may answer (413) and close before an oversized body is all sent;
                // its answer is still there to read.
            }
            ByteBuffer in = ByteBuffer.allocate(1 << 16);
            while (ch.read(in) >= 0 && in.hasRemaining()) {
                // the server closes after one answer
            }
            String text = new String(in.array(), 0, in.position(), StandardCharsets.UTF_8);
            return parse(text);
        } catch (IOException e) {
            throw new UncheckedIOException("LocalAPI " + socket, e);
        }
    }

    private static Answer parse(String text) {
        if (!text.startsWith("HTTP/1.1 ") || text.length() < 12) {
            return new Answer(-1, text, null);
        }
        int status = Integer.parseInt(text.substring(9, 12));
        int split = text.indexOf("\r\n\r\n");
        JsonNode body = null;
        if (split >= 0) {
            try {
                body = JSON.readTree(text.substring(split + 4));
            } catch (IOException e) {
                body = null;
            }
        }
        return new Answer(status, text, body);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
