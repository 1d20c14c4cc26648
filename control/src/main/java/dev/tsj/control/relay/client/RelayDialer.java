package dev.tsj.control.relay.client;

import dev.tsj.control.http.HttpHead;
import dev.tsj.control.relay.proto.RelayProto;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Opens the TCP connection to a relay and asks for the upgrade to the relay protocol. */
final class RelayDialer {
    private RelayDialer() {}

    /** An upgraded connection; {@code leftover} are bytes read past the 101 answer. */
    record Dialed(Socket socket, InputStream in, OutputStream out, byte[] leftover) {}

    /** {@code http://HOST:PORT} or {@code http://HOST:PORT/relay}; anything else is refused. */
    static URI validate(URI url) {
        if (!"http".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("relay URL must be http://HOST:PORT[/relay]: " + url);
        }
        return url;
    }

    static Dialed dial(URI url, Duration connectTimeout, Duration handshakeTimeout) throws IOException {
        int port = url.getPort() > 0 ? url.getPort() : 80;
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? RelayProto.PATH : url.getRawPath();
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(url.getHost(), port), (int) connectTimeout.toMillis());
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) handshakeTimeout.toMillis());
            OutputStream out = s.getOutputStream();
            String host = url.getPort() > 0 ? url.getHost() + ":" + url.getPort() : url.getHost();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: " + RelayProto.UPGRADE_TOKEN
                    + "\r\nConnection: Upgrade\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            HttpHead head = HttpHead.read(in);
            if (!head.second().equals("101")) {
                throw new IOException("relay refused the upgrade: " + head.second() + " " + head.third()
                        + body(head, in));
            }
            return new Dialed(s, in, out, head.leftover());
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The first line of a refusal's body (HttpReplies sends one line). */
    private static String body(HttpHead head, InputStream in) throws IOException {
        byte[] more = in.readNBytes(Math.max(0, Math.min(512, contentLength(head)) - head.leftover().length));
        String text = (new String(head.leftover(), StandardCharsets.UTF_8) + new String(more, StandardCharsets.UTF_8)).strip();
        int nl = text.indexOf('\n');
        text = nl >= 0 ? text.substring(0, nl) : text;
        return text.isEmpty() ? "" : ": " + text;
    }

    private static int contentLength(HttpHead head) {
        try {
            return Integer.parseInt(head.header("content-length") == null ? "0" : head.header("content-length").strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
