package dev.tsj.control.store.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.tsj.control.api.ApiJson;
import dev.tsj.control.api.Hostinfo;
import dev.tsj.control.api.IpLiterals;
import dev.tsj.control.api.IpPrefix;
import dev.tsj.control.store.AuthKeyRow;
import dev.tsj.control.store.NodeRow;
import dev.tsj.control.store.PolicyRow;
import dev.tsj.control.store.RouteRow;
import dev.tsj.control.store.Store;
import dev.tsj.control.store.StoreException;
import dev.tsj.control.store.UserRow;
import dev.tsj.crypto.PublicKey;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The default store: one SQLite file in WAL mode, schema migrated on open. Used by one
 * thread at a time (the server's core thread), so one connection suffices.
 */
public final class SqliteStore implements Store {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private final Connection db;
    private int txDepth;

    private SqliteStore(Connection db) {
        this.db = db;
    }

    /** Opens (creating if needed) and migrates the database at {@code file}. */
    public static SqliteStore open(Path file) {
        return openUrl("jdbc:sqlite:" + file.toAbsolutePath());
    }

    public static SqliteStore openUrl(String jdbcUrl) {
        try {
            Connection c = DriverManager.getConnection(jdbcUrl);
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("PRAGMA synchronous=NORMAL");
                st.execute("PRAGMA foreign_keys=ON");
                st.execute("PRAGMA busy_timeout=5000");
            }
            SqliteStore s = new SqliteStore(c);
            s.migrate();
            return s;
        } catch (SQLException e) {
            throw new StoreException("cannot open database " + jdbcUrl + ": " + e.getMessage(), e);
        }
    }

    private void migrate() throws SQLException {
        try (Statement st = db.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        }
        int current = schemaVersion();
        if (current > Migrations.latest()) {
            throw new SQLException("database schema version " + current + " is newer than this tsj knows ("
                    + Migrations.latest() + "); upgrade tsj");
        }
        if (current == Migrations.latest()) {
            return;
        }
        db.setAutoCommit(false);
        try (Statement st = db.createStatement()) {
            for (int v = current; v < Migrations.latest(); v++) {
                for (String sql : Migrations.STEPS.get(v)) {
                    st.execute(sql);
                }
            }
            st.execute("DELETE FROM schema_version");
            st.execute("INSERT INTO schema_version(version) VALUES (" + Migrations.latest() + ")");
            db.commit();
        } catch (SQLException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    @Override
    public int schemaVersion() {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT version FROM schema_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        } catch (SQLException e) {
            throw fail("read schema version", e);
        }
    }

    /** The next id of {@code table}, above every id it ever held (ids are never reused). */
    private long nextId(String table) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("UPDATE id_sequence SET last = MAX(last, (SELECT COALESCE(MAX(id), 0) FROM "
                + table + ")) + 1 WHERE name = ? RETURNING last")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("no id sequence for " + table);
                }
                return rs.getLong(1);
            }
        }
    }

    @Override
    public UserRow insertUser(String name, Instant now) {
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO users(name, created_at, id) VALUES (?, ?, ?)")) {
            long id = nextId("users");
            ps.setString(1, name);
            ps.setLong(2, now.toEpochMilli());
            ps.setLong(3, id);
            ps.executeUpdate();
            return new UserRow(id, name, now);
        } catch (SQLException e) {
            throw fail("insert user", e);
        }
    }

    @Override
    public List<UserRow> users() {
        List<UserRow> out = new ArrayList<>();
        try (Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, name, created_at FROM users ORDER BY id")) {
            while (rs.next()) {
                out.add(new UserRow(rs.getLong(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))));
            }
            return out;
        } catch (SQLException e) {
            throw fail("list users", e);
        }
    }

    @Override
    public void deleteUser(long userId) {
        update("delete user", "DELETE FROM users WHERE id = ?", userId);
    }

    @Override
    public AuthKeyRow insertAuthKey(AuthKeyRow k) {
        try (PreparedStatement ps = db.prepareStatement("""
                INSERT INTO auth_keys(key_id, secret_hash, user_id, reusable, ephemeral, preauthorized, tags,
                  created_at, expires_at, use_count, last_used_at, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            long id = nextId("auth_keys");
            ps.setString(1, k.keyId());
            ps.setBytes(2, k.secretHash());
            ps.setLong(3, k.userId());
            ps.setBoolean(4, k.reusable());
            ps.setBoolean(5, k.ephemeral());
            ps.setBoolean(6, k.preauthorized());
            ps.setString(7, json(k.tags()));
            ps.setLong(8, k.createdAt().toEpochMilli());
            ps.setLong(9, k.expiresAt().toEpochMilli());
            ps.setInt(10, k.useCount());
            setInstant(ps, 11, k.lastUsedAt());
            ps.setLong(12, id);
            ps.executeUpdate();
            return k.withId(id);
        } catch (SQLException e) {
            throw fail("insert auth key", e);
        }
    }

    @Override
    public List<AuthKeyRow> authKeys() {
        List<AuthKeyRow> out = new ArrayList<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT id, key_id, secret_hash, user_id, reusable, ephemeral, preauthorized, tags, created_at,
                  expires_at, use_count, last_used_at FROM auth_keys ORDER BY id""")) {
            while (rs.next()) {
                out.add(new AuthKeyRow(rs.getLong(1), rs.getString(2), rs.getBytes(3), rs.getLong(4),
                        rs.getBoolean(5), rs.getBoolean(6), rs.getBoolean(7), strings(rs.getString(8)),
                        Instant.ofEpochMilli(rs.getLong(9)), Instant.ofEpochMilli(rs.getLong(10)), rs.getInt(11),
                        instant(rs, 12)));
            }
            return out;
        } catch (SQLException e) {
            throw fail("list auth keys", e);
        }
    }

    @Override
    public void updateAuthKey(AuthKeyRow k) {
        try (PreparedStatement ps = db.prepareStatement(
                "UPDATE auth_keys SET expires_at = ?, use_count = ?, last_used_at = ? WHERE id = ?")) {
            ps.setLong(1, k.expiresAt().toEpochMilli());
            ps.setInt(2, k.useCount());
            setInstant(ps, 3, k.lastUsedAt());
            ps.setLong(4, k.id());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw fail("update auth key", e);
        }
    }

    private static final String NODE_COLUMNS = """
            stable_id, machine_key, node_key, disco_key, user_id, tags, hostname, given_name, given_name_by_admin,
            ipv4, ipv6, ephemeral, auth_key_id, created_at, key_expiry, last_seen, endpoints, hostinfo""";

    @Override
    public NodeRow insertNode(NodeRow n) {
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO nodes(" + NODE_COLUMNS
                + ", id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            long id = nextId("nodes");
            bindNode(ps, n);
            ps.setLong(19, id);
            ps.executeUpdate();
            return n.toBuilder().id(id).build();
        } catch (SQLException e) {
            throw fail("insert node", e);
        }
    }

    @Override
    public void updateNode(NodeRow n) {
        String set = String.join(" = ?, ", NODE_COLUMNS.replace("\n", " ").split(",\\s*")) + " = ?";
        try (PreparedStatement ps = db.prepareStatement("UPDATE nodes SET " + set + " WHERE id = ?")) {
            bindNode(ps, n);
            ps.setLong(19, n.id());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw fail("update node", e);
        }
    }

    private void bindNode(PreparedStatement ps, NodeRow n) throws SQLException {
        ps.setString(1, n.stableId());
        ps.setString(2, n.machineKey().toBase64());
        ps.setString(3, n.nodeKey().toBase64());
        ps.setString(4, n.discoKey() == null ? null : n.discoKey().toBase64());
        ps.setLong(5, n.userId());
        ps.setString(6, json(n.tags()));
        ps.setString(7, n.hostname());
        ps.setString(8, n.givenName());
        ps.setBoolean(9, n.givenNameByAdmin());
        ps.setString(10, n.ipv4().getHostAddress());
        ps.setString(11, n.ipv6().getHostAddress());
        ps.setBoolean(12, n.ephemeral());
        if (n.authKeyId() == null) {
            ps.setNull(13, Types.INTEGER);
        } else {
            ps.setLong(13, n.authKeyId());
        }
        ps.setLong(14, n.createdAt().toEpochMilli());
        setInstant(ps, 15, n.keyExpiry());
        setInstant(ps, 16, n.lastSeen());
        ps.setString(17, json(n.endpoints().stream().map(IpLiterals::formatEndpoint).toList()));
        ps.setString(18, n.hostinfo() == null ? null : json(n.hostinfo()));
    }

    @Override
    public void deleteNode(long nodeId) {
        update("delete node", "DELETE FROM nodes WHERE id = ?", nodeId);
    }

    @Override
    public List<NodeRow> nodes() {
        List<NodeRow> out = new ArrayList<>();
        try (Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, " + NODE_COLUMNS + " FROM nodes ORDER BY id")) {
            while (rs.next()) {
                String disco = rs.getString(5);
                long authKey = rs.getLong(14);
                Long authKeyId = rs.wasNull() ? null : authKey;
                List<InetSocketAddress> eps = strings(rs.getString(18)).stream().map(IpLiterals::parseEndpoint).toList();
                String hi = rs.getString(19);
                out.add(new NodeRow(rs.getLong(1), rs.getString(2), PublicKey.fromBase64(rs.getString(3)),
                        PublicKey.fromBase64(rs.getString(4)), disco == null ? null : PublicKey.fromBase64(disco),
                        rs.getLong(6), strings(rs.getString(7)), rs.getString(8), rs.getString(9), rs.getBoolean(10),
                        (Inet4Address) IpLiterals.parseAddress(rs.getString(11)),
                        (Inet6Address) IpLiterals.parseAddress(rs.getString(12)), rs.getBoolean(13), authKeyId,
                        Instant.ofEpochMilli(rs.getLong(15)), instant(rs, 16), instant(rs, 17), eps,
                        hi == null ? null : ApiJson.MAPPER.readValue(hi, Hostinfo.class)));
            }
            return out;
        } catch (SQLException | JsonProcessingException e) {
            throw fail("list nodes", e);
        }
    }

    @Override
    public List<RouteRow> routes() {
        List<RouteRow> out = new ArrayList<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT node_id, prefix, advertised, approved FROM routes ORDER BY node_id, prefix")) {
            while (rs.next()) {
                out.add(new RouteRow(rs.getLong(1), IpPrefix.parse(rs.getString(2)), rs.getBoolean(3), rs.getBoolean(4)));
            }
            return out;
        } catch (SQLException e) {
            throw fail("list routes", e);
        }
    }

    @Override
    public void transaction(Runnable work) {
        if (txDepth > 0) {
            work.run();
            return;
        }
        try {
            db.setAutoCommit(false);
            txDepth++;
            try {
                work.run();
                db.commit();
            } catch (RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                txDepth--;
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw fail("transaction", e);
        }
    }

    @Override
    public PolicyRow policy() {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT text, updated_at FROM policy")) {
            return rs.next() ? new PolicyRow(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2))) : null;
        } catch (SQLException e) {
            throw fail("read policy", e);
        }
    }

    @Override
    public void setPolicy(PolicyRow policy) {
        try (PreparedStatement ps = db.prepareStatement(
                "INSERT INTO policy(id, text, updated_at) VALUES (1, ?, ?) "
                        + "ON CONFLICT(id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at")) {
            ps.setString(1, policy.text());
            ps.setLong(2, policy.updatedAt().toEpochMilli());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw fail("store policy", e);
        }
    }

    @Override
    public void replaceRoutes(long nodeId, List<RouteRow> routes) {
        transaction(() -> replaceRoutesNow(nodeId, routes));
    }

    private void replaceRoutesNow(long nodeId, List<RouteRow> routes) {
        try {
            try (PreparedStatement del = db.prepareStatement("DELETE FROM routes WHERE node_id = ?");
                 PreparedStatement ins = db.prepareStatement(
                         "INSERT INTO routes(node_id, prefix, advertised, approved) VALUES (?, ?, ?, ?)")) {
                del.setLong(1, nodeId);
                del.executeUpdate();
                for (RouteRow r : routes) {
                    ins.setLong(1, nodeId);
                    ins.setString(2, r.prefix().toString());
                    ins.setBoolean(3, r.advertised());
                    ins.setBoolean(4, r.approved());
                    ins.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw fail("replace routes", e);
        }
    }

    @Override
    public void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw fail("close", e);
        }
    }

    private void update(String what, String sql, long id) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setLong(1, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw fail(what, e);
        }
    }


    private static void setInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setLong(i, t.toEpochMilli());
        }
    }

    private static Instant instant(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static String json(Object o) {
        try {
            return ApiJson.MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> strings(String json) {
        try {
            return ApiJson.MAPPER.readValue(json, STRINGS);
        } catch (JsonProcessingException e) {
            throw new StoreException("corrupt list in database: " + ApiJson.describe(e), e);
        }
    }

    private static StoreException fail(String what, Exception e) {
        return new StoreException("database: " + what + " failed: " + e.getMessage(), e);
    }
}
