package dev.tsj.cli.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** The temporary directory a demo keeps its state files and sockets in, gone when the demo ends. */
final class DemoWorkDir {
    private DemoWorkDir() {}

    static Path create() throws IOException {
        return Files.createTempDirectory("tsj-demo");
    }

    /** Deletes the directory and all under it, as far as it can: a leftover in /tmp harms nothing. */
    static void delete(Path work) {
        try (var files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // already gone, or not ours to remove
        }
    }
}
