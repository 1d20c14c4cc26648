package dev.tsj.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;

/** Loads the JSON vector files copied from outside sources into test resources. */
final class TestVectors {
    private TestVectors() {}

    static JsonNode load(String resource) {
        try (InputStream in = TestVectors.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] hex(JsonNode n) {
        return HexFormat.of().parseHex(n.asText());
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static String toHex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
