package dev.tsj.control.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Finds the captured Tailscale cases among the test resources. */
final class ConformanceCases {

    static final int EXPECTED_CASE_COUNT = 233;

    private ConformanceCases() {}

    static Path root() {
        URL url = ConformanceCases.class.getResource("/policy-conformance");
        if (url == null) {
            throw new IllegalStateException("test resource policy-conformance is missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every case file, acl/ and routes/, sorted by name. */
    static List<Path> all() {
        try (Stream<Path> files = Files.walk(root())) {
            return files.filter(p -> p.getParent().getFileName().toString().matches("acl|routes"))
                    .filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
