package dev.tsj.control;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh {@link TestServer} per test, in a temp state dir. */
public abstract class ServerTestBase {
    @TempDir
    protected Path dir;
    protected TestServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = new TestServer(dir);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }
}
