package dev.tsj.control.server;

import dev.tsj.control.store.Store;
import dev.tsj.control.store.sqlite.SqliteStore;
import java.io.IOException;
import java.nio.file.Path;

/** Opens the store a {@code --db} URL names: {@code sqlite:PATH} or {@code jdbc:sqlite:PATH}. */
final class StoreUrls {
    private StoreUrls() {}

    static Store open(String url, Path stateDir) throws IOException {
        if (url == null || url.isBlank()) {
            return SqliteStore.open(stateDir.resolve(ServerConfig.DB_FILE));
        }
        if (url.startsWith("jdbc:sqlite:")) {
            return SqliteStore.openUrl(url);
        }
        if (url.startsWith("sqlite:")) {
            return SqliteStore.open(Path.of(url.substring("sqlite:".length())));
        }
        if (url.startsWith("postgres") || url.startsWith("jdbc:postgresql:")) {
            throw new IOException("a PostgreSQL store is not implemented yet; use sqlite:PATH");
        }
        throw new IOException("unsupported database URL \"" + url + "\" (use sqlite:PATH)");
    }
}
