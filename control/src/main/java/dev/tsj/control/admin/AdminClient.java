package dev.tsj.control.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tsj.control.api.ApiJson;
import dev.tsj.control.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Talks to a running control server through its admin socket in {@code stateDir}. */
public final class AdminClient {
    private final Path socket;

    public AdminClient(Path stateDir) {
        this.socket = stateDir.resolve(ServerConfig.ADMIN_SOCKET);
    }

    /** Sends one request and returns its {@code result}. */
    public JsonNode call(ObjectNode request) throws AdminException {
        if (!Files.exists(socket)) {
            throw new AdminException("cannot reach the control server: no admin socket at " + socket
                    + " (is tsj control serve running with this --state-dir?)");
        }
        byte[] reply;
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket));
            byte[] req = ApiJson.MAPPER.writeValueAsBytes(request);
            ByteBuffer buf = ByteBuffer.allocate(req.length + 1).put(req).put((byte) '\n').flip();
            while (buf.hasRemaining()) {
                c.write(buf);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(8192);
            while (c.read(in.clear()) >= 0) {
                out.write(in.array(), 0, in.position());
            }
            reply = out.toByteArray();
        } catch (AccessDeniedException e) {
            throw new AdminException("permission denied on " + socket + ": run as the server's user (or root)");
        } catch (SocketException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("ermission")) {
                throw new AdminException("permission denied on " + socket + ": run as the server's user (or root)");
            }
            throw new AdminException("cannot reach the control server at " + socket + ": " + m);
        } catch (IOException e) {
            throw new AdminException("cannot reach the control server at " + socket + ": " + e.getMessage());
        }
        JsonNode r;
        try {
            r = ApiJson.MAPPER.readTree(reply);
        } catch (IOException e) {
            throw new AdminException("the control server sent a malformed reply");
        }
        if (r == null || !r.isObject()) {
            throw new AdminException("the control server closed the connection without a reply");
        }
        if (!r.path("ok").asBoolean(false)) {
            throw new AdminException(r.path("error").asText("request failed"));
        }
        return r.get("result");
    }

    private static ObjectNode op(String op) {
        return ApiJson.MAPPER.createObjectNode().put("op", op);
    }

    private static <T> T as(JsonNode n, Class<T> type) throws AdminException {
        try {
            return ApiJson.MAPPER.treeToValue(n, type);
        } catch (JsonProcessingException e) {
            throw new AdminException("unexpected reply from the control server: " + ApiJson.describe(e));
        }
    }

    private static <T> T as(JsonNode n, TypeReference<T> type) throws AdminException {
        try {
            return ApiJson.MAPPER.readerFor(type).readValue(n);
        } catch (IOException e) {
            throw new AdminException("unexpected reply from the control server: " + e.getMessage());
        }
    }

    public UserInfo createUser(String name) throws AdminException {
        return as(call(op(AdminOps.USERS_CREATE).put("name", name)), UserInfo.class);
    }

    public List<UserInfo> listUsers() throws AdminException {
        return as(call(op(AdminOps.USERS_LIST)), new TypeReference<List<UserInfo>>() {});
    }

    public void deleteUser(String name) throws AdminException {
        call(op(AdminOps.USERS_DELETE).put("name", name));
    }

    public CreatedAuthKey createAuthKey(String user, boolean reusable, boolean ephemeral, boolean preauthorized,
                                        Duration expiration, List<String> tags) throws AdminException {
        ObjectNode req = op(AdminOps.AUTHKEYS_CREATE).put("user", user).put("reusable", reusable)
                .put("ephemeral", ephemeral).put("preauthorized", preauthorized);
        if (expiration != null) {
            req.put("expirationSeconds", expiration.toSeconds());
        }
        var arr = req.putArray("tags");
        tags.forEach(arr::add);
        return as(call(req), CreatedAuthKey.class);
    }

    public List<AuthKeyInfo> listAuthKeys() throws AdminException {
        return as(call(op(AdminOps.AUTHKEYS_LIST)), new TypeReference<List<AuthKeyInfo>>() {});
    }

    public AuthKeyInfo expireAuthKey(String id) throws AdminException {
        return as(call(op(AdminOps.AUTHKEYS_EXPIRE).put("id", id)), AuthKeyInfo.class);
    }

    public List<NodeInfo> listNodes() throws AdminException {
        return as(call(op(AdminOps.NODES_LIST)), new TypeReference<List<NodeInfo>>() {});
    }

    public NodeInfo deleteNode(String node) throws AdminException {
        return as(call(op(AdminOps.NODES_DELETE).put("node", node)), NodeInfo.class);
    }

    public NodeInfo expireNode(String node) throws AdminException {
        return as(call(op(AdminOps.NODES_EXPIRE).put("node", node)), NodeInfo.class);
    }

    public NodeInfo renameNode(String node, String name) throws AdminException {
        return as(call(op(AdminOps.NODES_RENAME).put("node", node).put("name", name)), NodeInfo.class);
    }

    public List<RouteInfo> listRoutes() throws AdminException {
        return as(call(op(AdminOps.ROUTES_LIST)), new TypeReference<List<RouteInfo>>() {});
    }

    public List<RouteInfo> setApproved(String node, List<String> routes, boolean approved) throws AdminException {
        ObjectNode req = op(approved ? AdminOps.ROUTES_APPROVE : AdminOps.ROUTES_UNAPPROVE).put("node", node);
        var arr = req.putArray("routes");
        routes.forEach(arr::add);
        return as(call(req), new TypeReference<List<RouteInfo>>() {});
    }

    /** The policy in force ({@link PolicyInfo#text()} null when there is none). */
    public PolicyInfo policy() throws AdminException {
        return as(call(op(AdminOps.POLICY_GET)), PolicyInfo.class);
    }

    /** Validates and puts a policy in force; refused with the line, column and problem. */
    public PolicyInfo setPolicy(String text) throws AdminException {
        return as(call(op(AdminOps.POLICY_SET).put("text", text)), PolicyInfo.class);
    }

    public ServerStats stats() throws AdminException {
        return as(call(op(AdminOps.STATS)), ServerStats.class);
    }

    public dev.tsj.control.relay.RelayStats relayStats() throws AdminException {
        return as(call(op(AdminOps.RELAY_STATS)), dev.tsj.control.relay.RelayStats.class);
    }
}
