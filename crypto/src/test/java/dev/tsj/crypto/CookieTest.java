package dev.tsj.crypto;

import static dev.tsj.crypto.WireGuardSpec.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** mac1, cookie replies and mac2, between a peer's generator and a device's checker. */
class CookieTest {
    private final StaticIdentity alice = new StaticIdentity(PrivateKey.generate());
    private final StaticIdentity bob = new StaticIdentity(PrivateKey.generate());
    private final byte[] source = {(byte) 198, 18, 0, 1, (byte) 0xa2, 0x29};

    private byte[] initiation() {
        return new Handshake(alice, bob.publicKey(), null).createInitiation(42, Instant.now());
    }

    @Test
    void mac1ProvesKnowledgeOfTheResponderKey() {
        CookieChecker bobChecker = new CookieChecker(bob.publicKey());
        byte[] msg = initiation();
        assertFalse(bobChecker.checkMac1(msg, msg.length), "zero mac1");
        new CookieGenerator(bob.publicKey()).addMacs(msg, 0);
        assertTrue(bobChecker.checkMac1(msg, msg.length));
        byte[] wrong = initiation();
        new CookieGenerator(alice.publicKey()).addMacs(wrong, 0);
        assertFalse(bobChecker.checkMac1(wrong, wrong.length), "mac1 keyed for someone else");
        msg[10] ^= 1;
        assertFalse(bobChecker.checkMac1(msg, msg.length), "tampered body");
    }

    @Test
    void cookieReplyEnablesMac2FromThatSourceOnly() {
        CookieChecker bobChecker = new CookieChecker(bob.publicKey());
        CookieGenerator aliceGen = new CookieGenerator(bob.publicKey());
        byte[] first = initiation();
        aliceGen.addMacs(first, 0);
        assertFalse(bobChecker.checkMac2(first, first.length, source, 0));

        byte[] reply = bobChecker.createReply(first, first.length, source, 0);
        assertEquals(MESSAGE_COOKIE_REPLY_SIZE, reply.length);
        assertEquals(MESSAGE_COOKIE_REPLY_TYPE, reply[0]);
        assertEquals(42, Handshake.getIndex(reply, OFFSET_COOKIE_RECEIVER));
        assertTrue(aliceGen.consumeReply(reply, 1));

        byte[] second = initiation();
        aliceGen.addMacs(second, 2);
        assertTrue(bobChecker.checkMac1(second, second.length));
        assertTrue(bobChecker.checkMac2(second, second.length, source, 3));
        byte[] otherSource = source.clone();
        otherSource[3] = 2;
        assertFalse(bobChecker.checkMac2(second, second.length, otherSource, 3));
        assertFalse(bobChecker.checkMac2(second, second.length, source, 3 + COOKIE_REFRESH_TIME + 1), "secret expired");
    }

    @Test
    void forgedOrUnsolicitedCookieRepliesAreIgnored() {
        CookieChecker bobChecker = new CookieChecker(bob.publicKey());
        CookieGenerator aliceGen = new CookieGenerator(bob.publicKey());
        byte[] msg = initiation();
        new CookieGenerator(bob.publicKey()).addMacs(msg, 0);
        byte[] reply = bobChecker.createReply(msg, msg.length, source, 0);
        assertFalse(aliceGen.consumeReply(reply, 0), "we sent nothing yet");
        byte[] ours = initiation();
        aliceGen.addMacs(ours, 0);
        assertFalse(aliceGen.consumeReply(reply, 0), "reply bound to another message's mac1");
        byte[] good = bobChecker.createReply(ours, ours.length, source, 0);
        good[40] ^= 1;
        assertFalse(aliceGen.consumeReply(good, 0), "tampered");
        assertFalse(aliceGen.consumeReply(new byte[63], 0), "truncated");
    }
}
