package dev.tsj.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where a test class's process logs go: target/it-logs/CLASS/, emptied at the start of the class. */
public final class ItLogs {
    private ItLogs() {}

    public static Path freshDir(Class<?> testClass) {
        Path dir = Path.of(System.getProperty("tsj.it.logs", "target/it-logs"), testClass.getSimpleName()).toAbsolutePath();
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> old = Files.walk(dir)) {
                    for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir, e);
        }
    }
}
