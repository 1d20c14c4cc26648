package dev.tsj.crypto;

import static dev.tsj.crypto.TestVectors.hex;
import static dev.tsj.crypto.TestVectors.toHex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Published vectors for the primitives: RFC 7693 (BLAKE2s), RFC 7748 (X25519), RFC 8439
 * (AEAD; also Wycheproof case 1). Keyed BLAKE2s and HMAC-BLAKE2s have no RFC vectors;
 * their expected values come from Python's independent hashlib/hmac.
 */
class PrimitivesTest {

    @Test
    void blake2sRfc7693AppendixB() {
        assertEquals("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982",
                toHex(Blake2s.hash("abc".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void blake2sHashOfPartsIsHashOfConcatenation() {
        assertEquals(toHex(Blake2s.hash("abc".getBytes(StandardCharsets.US_ASCII))),
                toHex(Blake2s.hash("a".getBytes(StandardCharsets.US_ASCII), "bc".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void keyedBlake2s128() {
        byte[] key = new byte[32];
        for (int i = 0; i < 32; i++) {
            key[i] = (byte) i;
        }
        byte[] data = "WireGuard".getBytes(StandardCharsets.US_ASCII);
        assertEquals("c44bc1a201f2ff374d10eda15244ad8a", toHex(Blake2s.mac(key, data, 0, data.length)));
    }

    @Test
    void hmacBlake2s() {
        assertEquals("f93215bb90d4af4c3061cd932fb169fb8bb8a91d0b4022baea1271e1323cd9a0",
                toHex(Blake2s.hmac("key".getBytes(StandardCharsets.US_ASCII),
                        "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void kdfFirstOutputIsHmacOfTau0AndOne() {
        byte[] key = new byte[32];
        for (int i = 0; i < 32; i++) {
            key[i] = (byte) i;
        }
        byte[][] three = Blake2s.kdf(3, key, new byte[0]);
        byte[] tau0 = Blake2s.hmac(key, new byte[0]);
        assertEquals(toHex(Blake2s.hmac(tau0, new byte[] {1})), toHex(three[0]));
        assertEquals(toHex(Blake2s.hmac(tau0, three[0], new byte[] {2})), toHex(three[1]));
        assertEquals(toHex(Blake2s.hmac(tau0, three[1], new byte[] {3})), toHex(three[2]));
        assertEquals(toHex(three[0]), toHex(Blake2s.kdf(1, key, new byte[0])[0]));
    }

    @Test
    void x25519Rfc7748Section5_2() {
        byte[] out = new byte[32];
        assertTrue(X25519.sharedSecret(hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
                hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"), out));
        assertEquals("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552", toHex(out));
    }

    @Test
    void x25519Rfc7748Section6_1DiffieHellman() {
        byte[] alice = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] bob = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        assertEquals("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", toHex(X25519.publicKey(alice)));
        assertEquals("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", toHex(X25519.publicKey(bob)));
        byte[] k1 = new byte[32];
        byte[] k2 = new byte[32];
        assertTrue(X25519.sharedSecret(alice, X25519.publicKey(bob), k1));
        assertTrue(X25519.sharedSecret(bob, X25519.publicKey(alice), k2));
        assertEquals("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", toHex(k1));
        assertEquals(toHex(k1), toHex(k2));
    }

    @Test
    void aeadRfc8439Section2_8_2() {
        byte[] key = hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        byte[] nonce = hex("070000004041424344454647");
        byte[] aad = hex("50515253c0c1c2c3c4c5c6c7");
        byte[] msg = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it."
                .getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[msg.length + 16];
        new ChaChaPoly().sealWithNonce(new AeadKey(key), nonce, aad, msg, 0, msg.length, out, 0);
        assertEquals("1ae10b594f09e26a7e902ecbd0600691", toHex(java.util.Arrays.copyOfRange(out, msg.length, out.length)));
        assertTrue(toHex(out).startsWith("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"));
    }

    @Test
    void hChaCha20DraftArciszewskiSection2_2_1() {
        byte[] key = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        byte[] nonce = hex("000000090000004a0000000031415927" + "0000000000000000");
        assertEquals("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc",
                toHex(XChaChaPoly.hChaCha20(key, nonce)));
    }
}
