package dev.tsj.control.store;

import java.time.Instant;
import java.util.List;

/**
 * The control server's durable state. The server loads everything at start and keeps it
 * in memory; the store only has to persist changes (single writer: the server's core
 * thread). SQLite implements it; a PostgreSQL store can implement the same methods.
 * Every method throws {@link StoreException} when the database fails.
 */
public interface Store extends AutoCloseable {
    UserRow insertUser(String name, Instant now);

    List<UserRow> users();

    /** Deletes a user and its auth keys (the caller has made sure it owns no node). */
    void deleteUser(long userId);

    /** Inserts a key (its id field is ignored); returns it with its id. */
    AuthKeyRow insertAuthKey(AuthKeyRow key);

    List<AuthKeyRow> authKeys();

    void updateAuthKey(AuthKeyRow key);

    /** Inserts a node (its id field is ignored); returns it with its id. */
    NodeRow insertNode(NodeRow node);

    void updateNode(NodeRow node);

    /** Deletes a node and its routes. */
    void deleteNode(long nodeId);

    List<NodeRow> nodes();

    List<RouteRow> routes();

    /** Replaces all routes of a node. */
    void replaceRoutes(long nodeId, List<RouteRow> routes);

    /** The tailnet's policy, or null when none was ever set (then every node may reach every other). */
    PolicyRow policy();

    /** Stores the policy (already validated by the caller), replacing the previous one. */
    void setPolicy(PolicyRow policy);

    /**
     * Runs {@code work} as one transaction: all its writes land or none does (a nested
     * call joins the outer transaction).
     */
    void transaction(Runnable work);

    /** The schema version the store is at. */
    int schemaVersion();

    @Override
    void close();
}
