package dev.tsj.crypto;

import static dev.tsj.crypto.TestVectors.hex;
import static dev.tsj.crypto.TestVectors.toHex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every Wycheproof X25519 case. Low-order public points give an all-zero secret, which
 * WireGuard treats as a failed handshake: {@link X25519#sharedSecret} must say false for
 * exactly those and compute the expected secret for every other case.
 */
class WycheproofX25519Test {

    @TestFactory
    Stream<DynamicTest> x25519() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode group : TestVectors.load("wycheproof/x25519_test.json").get("testGroups")) {
            for (JsonNode t : group.get("tests")) {
                tests.add(DynamicTest.dynamicTest("tcId " + t.get("tcId").asInt() + " " + t.get("comment").asText(), () -> {
                    byte[] out = new byte[32];
                    boolean ok = X25519.sharedSecret(hex(t.get("private")), hex(t.get("public")), out);
                    boolean zeroExpected = false;
                    for (JsonNode f : t.get("flags")) {
                        zeroExpected |= f.asText().equals("ZeroSharedSecret");
                    }
                    if (zeroExpected) {
                        assertFalse(ok, "an all-zero shared secret must be refused");
                    } else {
                        assertTrue(ok);
                        assertEquals(t.get("shared").asText(), toHex(out));
                    }
                }));
            }
        }
        assertTrue(tests.size() > 500);
        return tests.stream();
    }
}
