package dev.tsj.control.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tsj.control.EventLog;
import dev.tsj.control.api.ApiJson;
import dev.tsj.control.core.ControlError;
import dev.tsj.control.util.SecureFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The admin socket: a unix domain socket in the state dir, mode 0600 inside a 0700
 * directory, that also checks each caller's uid (SO_PEERCRED) against the server's own
 * (root may always connect). One request per connection: a JSON object on one line in,
 * {@code {"ok":true,"result":...}} or {@code {"ok":false,"error":"..."}} on one line out.
 */
public final class AdminServer implements AutoCloseable {
    private final Path path;
    private final ServerSocketChannel server;
    private final AdminDispatcher dispatcher;
    private final EventLog log;
    private final UserPrincipal owner;
    private final Thread acceptor;

    public AdminServer(Path path, AdminDispatcher dispatcher, EventLog log) throws IOException {
        this.path = path;
        this.dispatcher = dispatcher;
        this.log = log;
        // The caller holds the state dir's lock, so a socket file left here is stale.
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, SecureFiles.OWNER_RW);
        owner = Files.getOwner(path);
        acceptor = Thread.ofVirtual().name("admin-accept").start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel c = server.accept();
                Thread.ofVirtual().name("admin-conn").start(() -> handle(c));
            } catch (IOException e) {
                if (server.isOpen()) {
                    log.warn("admin.accept_failed", "error", e.getMessage());
                }
            }
        }
    }

    private void handle(SocketChannel c) {
        try (c) {
            UnixDomainPrincipal peer = c.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (!peer.user().equals(owner) && !peer.user().getName().equals("root")) {
                respond(c, error("permission denied: run this as " + owner.getName() + " or root"));
                return;
            }
            byte[] line = readLine(c);
            if (line == null) {
                respond(c, error("request too large (at most " + AdminOps.MAX_REQUEST + " bytes)"));
                // Half-close and swallow the rest so the close does not reset the reply away.
                c.shutdownOutput();
                ByteBuffer sink = ByteBuffer.allocate(8192);
                long left = 16L * AdminOps.MAX_REQUEST;
                int n;
                while (left > 0 && (n = c.read(sink.clear())) > 0) {
                    left -= n;
                }
                return;
            }
            ObjectNode reply;
            try {
                JsonNode req = ApiJson.MAPPER.readTree(line);
                Object result = dispatcher.dispatch(req);
                reply = ApiJson.MAPPER.createObjectNode().put("ok", true);
                reply.set("result", ApiJson.MAPPER.valueToTree(result));
            } catch (JsonProcessingException e) {
                reply = error("malformed request: " + ApiJson.describe(e));
            } catch (ControlError e) {
                reply = error(e.getMessage());
            }
            respond(c, reply);
        } catch (IOException e) {
            // the client went away
        }
    }

    private static byte[] readLine(SocketChannel c) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (true) {
            buf.clear();
            int n = c.read(buf);
            if (n < 0) {
                return out.toByteArray();
            }
            for (int i = 0; i < n; i++) {
                if (buf.get(i) == '\n') {
                    out.write(buf.array(), 0, i);
                    return out.size() > AdminOps.MAX_REQUEST ? null : out.toByteArray();
                }
            }
            out.write(buf.array(), 0, n);
            if (out.size() > AdminOps.MAX_REQUEST) {
                return null;
            }
        }
    }

    private static ObjectNode error(String message) {
        return ApiJson.MAPPER.createObjectNode().put("ok", false).put("error", message);
    }

    private static void respond(SocketChannel c, ObjectNode reply) throws IOException {
        byte[] b = ApiJson.MAPPER.writeValueAsBytes(reply);
        ByteBuffer buf = ByteBuffer.allocate(b.length + 1).put(b).put((byte) '\n').flip();
        while (buf.hasRemaining()) {
            c.write(buf);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
        Files.deleteIfExists(path);
    }
}
