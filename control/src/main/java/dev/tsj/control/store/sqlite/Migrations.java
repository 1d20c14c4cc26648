package dev.tsj.control.store.sqlite;

import java.util.List;

/**
 * The schema, as the list of steps that build it: step i takes a database at version i to
 * version i+1. Never edit a released step; add one. Times are epoch milliseconds, keys
 * base64, lists JSON.
 */
final class Migrations {
    private Migrations() {}

    static final List<List<String>> STEPS = List.of(
            // 1: users, auth keys (hash only), nodes, subnet routes.
            List.of(
                    """
                    CREATE TABLE users (
                      id INTEGER PRIMARY KEY,
                      name TEXT NOT NULL UNIQUE,
                      created_at INTEGER NOT NULL)""",
                    """
                    CREATE TABLE auth_keys (
                      id INTEGER PRIMARY KEY,
                      key_id TEXT NOT NULL UNIQUE,
                      secret_hash BLOB NOT NULL,
                      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                      reusable INTEGER NOT NULL,
                      ephemeral INTEGER NOT NULL,
                      preauthorized INTEGER NOT NULL,
                      tags TEXT NOT NULL,
                      created_at INTEGER NOT NULL,
                      expires_at INTEGER NOT NULL,
                      use_count INTEGER NOT NULL,
                      last_used_at INTEGER)""",
                    """
                    CREATE TABLE nodes (
                      id INTEGER PRIMARY KEY,
                      stable_id TEXT NOT NULL UNIQUE,
                      machine_key TEXT NOT NULL UNIQUE,
                      node_key TEXT NOT NULL UNIQUE,
                      disco_key TEXT,
                      user_id INTEGER NOT NULL REFERENCES users(id),
                      tags TEXT NOT NULL,
                      hostname TEXT NOT NULL,
                      given_name TEXT NOT NULL UNIQUE,
                      given_name_by_admin INTEGER NOT NULL,
                      ipv4 TEXT NOT NULL UNIQUE,
                      ipv6 TEXT NOT NULL UNIQUE,
                      ephemeral INTEGER NOT NULL,
                      auth_key_id INTEGER REFERENCES auth_keys(id) ON DELETE SET NULL,
                      created_at INTEGER NOT NULL,
                      key_expiry INTEGER,
                      last_seen INTEGER,
                      endpoints TEXT NOT NULL,
                      hostinfo TEXT)""",
                    """
                    CREATE TABLE routes (
                      node_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
                      prefix TEXT NOT NULL,
                      advertised INTEGER NOT NULL,
                      approved INTEGER NOT NULL,
                      PRIMARY KEY (node_id, prefix))""",
                    "CREATE INDEX auth_keys_user ON auth_keys(user_id)",
                    "CREATE INDEX nodes_user ON nodes(user_id)"),
            // 2: the tailnet policy (HuJSON text as written; one row at most).
            List.of(
                    """
                    CREATE TABLE policy (
                      id INTEGER PRIMARY KEY CHECK (id = 1),
                      text TEXT NOT NULL,
                      updated_at INTEGER NOT NULL)"""),
            // 3: ids are never reused (an admin script deleting node 4 must never hit a
            // newer node that inherited the number): the highest id each table ever had.
            List.of(
                    "CREATE TABLE id_sequence (name TEXT PRIMARY KEY, last INTEGER NOT NULL)",
                    "INSERT INTO id_sequence SELECT 'users', COALESCE(MAX(id), 0) FROM users",
                    "INSERT INTO id_sequence SELECT 'auth_keys', COALESCE(MAX(id), 0) FROM auth_keys",
                    "INSERT INTO id_sequence SELECT 'nodes', COALESCE(MAX(id), 0) FROM nodes"));

    static int latest() {
        return STEPS.size();
    }
}
