package dev.tsj.crypto;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Key text forms as wg prints them, clamping, equality and destruction. */
class KeyTest {

    @Test
    void base64AndHexRoundTrip() {
        PrivateKey k = PrivateKey.generate();
        assertEquals(44, k.toBase64().length());
        assertEquals(k, PrivateKey.fromBase64(k.toBase64()));
        assertEquals(k, PrivateKey.fromHex(k.toHex()));
        PublicKey p = k.publicKey();
        assertEquals(p, PublicKey.fromBase64(p.toBase64() + "\n"), "trailing newline as from a pipe");
        assertEquals(p, PublicKey.fromHex(p.toHex()));
    }

    @Test
    void privateKeysAreClamped() {
        byte[] raw = new byte[32];
        java.util.Arrays.fill(raw, (byte) 0xff);
        byte[] b = new PrivateKey(raw).bytes();
        assertEquals(0xf8, b[0] & 0xff);
        assertEquals(0x7f, b[31] & 0xff);
        assertEquals(0x40, new PrivateKey(new byte[32]).bytes()[31] & 0xff);
    }

    @Test
    void publicKeyMatchesRfc7748() {
        PrivateKey alice = PrivateKey.fromHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        assertEquals("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", alice.publicKey().toHex());
    }

    @Test
    void badTextGivesOneLineErrors() {
        KeyFormatException e = assertThrows(KeyFormatException.class, () -> PublicKey.fromBase64("abc"));
        assertTrue(e.getMessage().startsWith("invalid public key"));
        assertThrows(KeyFormatException.class, () -> PrivateKey.fromBase64("!!!!" + "A".repeat(40)));
        assertThrows(KeyFormatException.class, () -> PresharedKey.fromHex("zz".repeat(32)));
        assertThrows(KeyFormatException.class, () -> PublicKey.fromHex("00"));
    }

    @Test
    void secretsNeverPrintThemselves() {
        PrivateKey k = PrivateKey.generate();
        assertFalse(k.toString().contains(k.toBase64()));
        assertFalse(PresharedKey.generate().toString().contains("="));
    }

    @Test
    void destroyZeroesAndForbidsUse() {
        PrivateKey k = PrivateKey.generate();
        k.destroy();
        assertTrue(k.isDestroyed());
        assertThrows(IllegalStateException.class, k::toBase64);
        AeadKey a = new AeadKey(new byte[32]);
        a.destroy();
        assertThrows(IllegalStateException.class, a::getEncoded);
    }

    @Test
    void zeroKeyIsRecognised() {
        assertTrue(PresharedKey.zero().isZero());
        assertFalse(PresharedKey.generate().isZero());
    }
}
