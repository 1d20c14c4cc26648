package dev.tsj.daemon.localapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tsj.control.http.HttpException;
import dev.tsj.control.http.HttpHead;
import dev.tsj.daemon.node.NodeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.logging.Logger;

/**
 * The LocalAPI: HTTP/1.1 with JSON bodies over a unix socket (default
 * {@code /var/run/tsj/tsjd.sock}), as Tailscale's is, so the CLI drives the daemon and an
 * operator can {@code curl --unix-socket}. The socket is 0600 and root's, or the
 * configured operator's; a stale socket is replaced, a live one refused.
 */
public final class LocalApiServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LocalApiServer.class.getName());
    public static final Path DEFAULT_SOCKET = Path.of("/var/run/tsj/tsjd.sock");
    /** Requests are small JSON documents; anything bigger is refused. */
    static final int MAX_BODY = 1 << 20;
    static final ObjectMapper JSON = new ObjectMapper();

    /** One endpoint: takes the parsed body (or null for GET), returns the JSON answer. */
    public interface Handler {
        JsonNode handle(JsonNode body) throws NodeException;
    }

    private final Path path;
    private final ServerSocketChannel server;
    private final java.util.Map<String, Handler> routes;

    private LocalApiServer(Path path, ServerSocketChannel server, java.util.Map<String, Handler> routes) {
        this.path = path;
        this.server = server;
        this.routes = routes;
    }

    /** Routes are keyed "METHOD /path". */
    public static LocalApiServer start(Path path, String operator, java.util.Map<String, Handler> routes) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        if (Files.exists(path)) {
            try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                throw new IOException("another tsjd is running on " + path + "; stop it or pass --socket PATH");
            } catch (IOException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("another tsjd")) {
                    throw e;
                }
                Files.deleteIfExists(path);
            }
        }
        Path tmp = dir.resolve("." + path.getFileName() + "." + ProcessHandle.current().pid());
        Files.deleteIfExists(tmp);
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(tmp));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            if (operator != null) {
                UserPrincipal user = tmp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(operator);
                Files.setOwner(tmp, user);
            }
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            ch.close();
            Files.deleteIfExists(tmp);
            throw new IOException("cannot create LocalAPI socket " + path + ": " + e.getMessage(), e);
        }
        LocalApiServer s = new LocalApiServer(path, ch, java.util.Map.copyOf(routes));
        Thread.ofPlatform().daemon().name("localapi-accept").start(s::acceptLoop);
        LOG.info("LocalAPI listening on " + path);
        return s;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel c = server.accept();
                Thread.ofVirtual().name("localapi").start(() -> serve(c));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SocketChannel c) {
        try (c; InputStream raw = Channels.newInputStream(c); OutputStream out = Channels.newOutputStream(c)) {
            int status;
            JsonNode answer;
            try {
                HttpHead head = HttpHead.read(raw);
                String pathOnly = head.second().split("\\?", 2)[0];
                Handler h = routes.get(head.first() + " " + pathOnly);
                if (h == null) {
                    throw new NodeException(404, "no such LocalAPI endpoint: " + head.first() + " " + pathOnly);
                }
                JsonNode body = readBody(head, raw);
                answer = h.handle(body);
                status = 200;
            } catch (NodeException e) {
                status = e.httpStatus();
                answer = error(e.getMessage());
            } catch (HttpException e) {
                status = 400;
                answer = error(e.getMessage());
            } catch (RuntimeException e) {
                LOG.warning("LocalAPI request failed: " + e);
                status = 500;
                answer = error("internal error: " + e.getMessage());
            }
            byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(answer);
            String head = "HTTP/1.1 " + status + " " + (status == 200 ? "OK" : "Error") + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + (bytes.length + 1) + "\r\nConnection: close\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            LOG.fine(() -> "LocalAPI client: " + e.getMessage());
        }
    }

    /**
     * The body: what the head's read already took, then the rest from {@code raw}. (A
     * SequenceInputStream would close {@code raw}, and with it the socket, at end of
     * stream, and a truncated body would get no answer.)
     */
    private static JsonNode readBody(HttpHead head, InputStream raw) throws IOException, NodeException {
        String len = head.header("content-length");
        if (len == null || len.equals("0")) {
            return null;
        }
        int n;
        try {
            n = Integer.parseInt(len.strip());
        } catch (NumberFormatException e) {
            throw new NodeException(400, "bad Content-Length");
        }
        if (n < 0) {
            throw new NodeException(400, "bad Content-Length");
        }
        if (n > MAX_BODY) {
            throw new NodeException(413, "request body larger than " + MAX_BODY + " bytes");
        }
        byte[] body = new byte[n];
        int early = Math.min(n, head.leftover().length);
        System.arraycopy(head.leftover(), 0, body, 0, early);
        if (early + raw.readNBytes(body, early, n - early) != n) {
            throw new NodeException(400, "request body truncated");
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new NodeException(400, "malformed JSON: " + e.getOriginalMessage());
        }
    }

    static ObjectNode error(String message) {
        ObjectNode o = JSON.createObjectNode();
        o.put("error", message);
        return o;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warning("cannot remove " + path + ": " + e.getMessage());
        }
    }
}
