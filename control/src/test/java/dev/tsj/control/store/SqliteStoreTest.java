package dev.tsj.control.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.control.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest {
    @TempDir
    Path dir;

    @Test
    void migratesOnceUsesWalAndKeepsDataAcrossReopen() throws Exception {
        Path db = dir.resolve("t.db");
        try (Store s = SqliteStore.open(db)) {
            assertEquals(3, s.schemaVersion());
            s.insertUser("alice", Instant.ofEpochMilli(1000));
        }
        try (Store s = SqliteStore.open(db)) {
            assertEquals(3, s.schemaVersion());
            assertEquals(List.of(new UserRow(1, "alice", Instant.ofEpochMilli(1000))), s.users());
        }
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db); var rs = c.createStatement().executeQuery("PRAGMA journal_mode")) {
            assertTrue(rs.next());
            assertEquals("wal", rs.getString(1));
        }
    }

    @Test
    void refusesADatabaseFromANewerTsj() throws Exception {
        Path db = dir.resolve("t.db");
        SqliteStore.open(db).close();
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            c.createStatement().execute("UPDATE schema_version SET version = 99");
        }
        StoreException e = assertThrows(StoreException.class, () -> SqliteStore.open(db));
        assertTrue(e.getMessage().contains("newer than this tsj"), e.getMessage());
    }

    @Test
    void aFailedTransactionLeavesNothingBehind() {
        try (Store s = SqliteStore.open(dir.resolve("t.db"))) {
            assertThrows(StoreException.class, () -> s.transaction(() -> {
                s.insertUser("bob", Instant.now());
                s.insertUser("bob", Instant.now());
            }));
            assertTrue(s.users().isEmpty());
        }
    }

    @Test
    void keepsOnePolicyAcrossReopenAndMigratesAVersionOneDatabase() throws Exception {
        Path db = dir.resolve("t.db");
        SqliteStore.open(db).close();
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            // What a database written before policies existed looks like.
            c.createStatement().execute("DROP TABLE policy");
            c.createStatement().execute("DROP TABLE id_sequence");
            c.createStatement().execute("UPDATE schema_version SET version = 1");
        }
        try (Store s = SqliteStore.open(db)) {
            assertEquals(3, s.schemaVersion());
            assertNull(s.policy());
            s.setPolicy(new PolicyRow("// first\n{}", Instant.ofEpochMilli(1000)));
            s.setPolicy(new PolicyRow("{\"acls\": []}", Instant.ofEpochMilli(2000)));
        }
        try (Store s = SqliteStore.open(db)) {
            assertEquals(new PolicyRow("{\"acls\": []}", Instant.ofEpochMilli(2000)), s.policy());
        }
    }

    @Test
    void idsAreNeverReusedEvenAfterTheNewestIsDeleted() throws Exception {
        Path db = dir.resolve("t.db");
        try (Store s = SqliteStore.open(db)) {
            s.insertUser("alice", Instant.now());
            UserRow bob = s.insertUser("bob", Instant.now());
            s.deleteUser(bob.id());
            assertEquals(3, s.insertUser("carol", Instant.now()).id(), "bob's 2 is not handed out again");
        }
        try (Store s = SqliteStore.open(db)) {
            UserRow carol = s.users().get(1);
            s.deleteUser(carol.id());
            assertEquals(4, s.insertUser("dave", Instant.now()).id(), "nor after a restart");
        }
    }

    @Test
    void aVersionTwoDatabaseContinuesAboveItsHighestId() throws Exception {
        Path db = dir.resolve("t.db");
        try (Store s = SqliteStore.open(db)) {
            for (String n : List.of("a", "b", "c")) {
                s.insertUser(n, Instant.now());
            }
        }
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            c.createStatement().execute("DROP TABLE id_sequence");
            c.createStatement().execute("UPDATE schema_version SET version = 2");
        }
        try (Store s = SqliteStore.open(db)) {
            assertEquals(3, s.schemaVersion());
            assertEquals(4, s.insertUser("d", Instant.now()).id());
        }
    }
}
