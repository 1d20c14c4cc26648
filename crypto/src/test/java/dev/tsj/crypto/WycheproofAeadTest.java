package dev.tsj.crypto;

import static dev.tsj.crypto.TestVectors.hex;
import static dev.tsj.crypto.TestVectors.toHex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of Wycheproof's ChaCha20-Poly1305 and XChaCha20-Poly1305 files: valid cases
 * seal to the expected ciphertext and tag and open back; invalid ones are rejected
 * (wrong tags, and nonce sizes the construction does not define).
 */
class WycheproofAeadTest {

    @TestFactory
    Stream<DynamicTest> chacha20Poly1305() {
        return cases("wycheproof/chacha20_poly1305_test.json", false);
    }

    @TestFactory
    Stream<DynamicTest> xchacha20Poly1305() {
        return cases("wycheproof/xchacha20_poly1305_test.json", true);
    }

    private static Stream<DynamicTest> cases(String file, boolean extended) {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode group : TestVectors.load(file).get("testGroups")) {
            for (JsonNode t : group.get("tests")) {
                tests.add(DynamicTest.dynamicTest("tcId " + t.get("tcId").asInt() + " " + t.get("comment").asText(),
                        () -> check(t, extended)));
            }
        }
        assertTrue(tests.size() > 300, "expected the whole Wycheproof file");
        return tests.stream();
    }

    private static void check(JsonNode t, boolean extended) {
        byte[] key = hex(t.get("key"));
        byte[] iv = hex(t.get("iv"));
        byte[] aad = hex(t.get("aad"));
        byte[] msg = hex(t.get("msg"));
        byte[] ct = hex(t.get("ct"));
        byte[] tag = hex(t.get("tag"));
        byte[] sealedExpected = concat(ct, tag);
        boolean valid = !t.get("result").asText().equals("invalid");

        byte[] opened = open(key, iv, aad, sealedExpected, extended);
        if (valid) {
            assertArrayEquals(msg, opened, "open");
            assertEquals(toHex(sealedExpected), toHex(seal(key, iv, aad, msg, extended)), "seal");
        } else {
            assertNull(opened, "an invalid case must not open");
        }
    }

    private static byte[] open(byte[] key, byte[] iv, byte[] aad, byte[] sealed, boolean extended) {
        try {
            if (extended) {
                return XChaChaPoly.open(key, iv, sealed, aad);
            }
            byte[] out = new byte[sealed.length];
            int n = new ChaChaPoly().openWithNonce(new AeadKey(key), iv, aad, sealed, 0, sealed.length, out, 0);
            return n < 0 ? null : Arrays.copyOf(out, n);
        } catch (IllegalArgumentException unsupportedNonce) {
            return null;
        }
    }

    private static byte[] seal(byte[] key, byte[] iv, byte[] aad, byte[] msg, boolean extended) {
        if (extended) {
            return XChaChaPoly.seal(key, iv, msg, aad);
        }
        byte[] out = new byte[msg.length + 16];
        new ChaChaPoly().sealWithNonce(new AeadKey(key), iv, aad, msg, 0, msg.length, out, 0);
        return out;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
