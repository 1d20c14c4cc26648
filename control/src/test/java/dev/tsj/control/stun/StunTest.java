package dev.tsj.control.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The STUN codec against RFC 5769's vectors, its own output, and what it must refuse. */
class StunTest {
    private static byte[] vector(String name) throws IOException {
        try (InputStream in = StunTest.class.getResourceAsStream("/stun/rfc5769-vectors.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.startsWith(name + ": ")) {
                    return HexFormat.of().parseHex(line.substring(name.length() + 2).strip());
                }
            }
        }
        throw new IllegalArgumentException("no vector " + name);
    }

    private static final byte[] RFC_TXID = HexFormat.of().parseHex("b7e7a701bc34d686fa87dfae");

    @Test
    void ourBindingRequestIsAWellFormedStunMessage() {
        byte[] tx = Stun.newTransactionId();
        byte[] req = Stun.bindingRequest(tx);
        assertEquals(36, req.length, "header, SOFTWARE \"tsj\" padded, FINGERPRINT");
        assertEquals(0x0001, Stun.messageType(req, 0));
        assertEquals(0x2112A442, ((req[4] & 0xff) << 24) | ((req[5] & 0xff) << 16) | ((req[6] & 0xff) << 8) | (req[7] & 0xff));
        byte[] id = new byte[12];
        System.arraycopy(req, 8, id, 0, 12);
        assertArrayEquals(tx, id);
        assertTrue(Stun.isStun(req, 0, req.length));
        assertTrue(Stun.isBindingRequest(req, 0, req.length));
    }

    @Test
    void rfc5769SampleRequestIsABindingRequestWithAValidFingerprint() throws IOException {
        byte[] req = vector("sample-request");
        assertTrue(Stun.isBindingRequest(req, 0, req.length));
        req[req.length - 1] ^= 1;
        assertFalse(Stun.isBindingRequest(req, 0, req.length), "a wrong FINGERPRINT is refused");
    }

    @Test
    void rfc5769Ipv6ResponseGivesTheMappedAddress() throws IOException {
        byte[] resp = vector("sample-ipv6-response");
        Stun.BindingResponse r = Stun.parseBindingResponse(resp, 0, resp.length);
        assertNotNull(r);
        assertEquals(new InetSocketAddress(InetAddress.ofLiteral("2001:db8:1234:5678:11:2233:4455:6677"), 32853),
                r.mapped());
        assertTrue(r.matches(RFC_TXID));
        assertFalse(r.matches(new byte[12]));
    }

    @Test
    void responsesWeWriteParseBackForBothFamilies() {
        byte[] tx = Stun.newTransactionId();
        byte[] req = Stun.bindingRequest(tx);
        for (String addr : new String[] {"198.18.0.1", "2001:db8::42"}) {
            InetSocketAddress seen = new InetSocketAddress(InetAddress.ofLiteral(addr), 41641);
            byte[] out = new byte[Stun.MAX_MESSAGE];
            int n = Stun.writeBindingResponse(req, 0, seen, out, 0);
            assertTrue(Stun.isStun(out, 0, n));
            assertFalse(Stun.isBindingRequest(out, 0, n));
            Stun.BindingResponse r = Stun.parseBindingResponse(out, 0, n);
            assertNotNull(r, addr);
            assertEquals(seen, r.mapped());
            assertTrue(r.matches(tx));
        }
    }

    @Test
    void plainMappedAddressFromAnOldServerIsUnderstood() {
        byte[] m = HexFormat.of().parseHex("0101000c2112a442" + "b7e7a701bc34d686fa87dfae"
                + "00010008" + "0001a147" + "c6120001"); // MAPPED-ADDRESS 198.18.0.1:41287
        Stun.BindingResponse r = Stun.parseBindingResponse(m, 0, m.length);
        assertNotNull(r);
        assertEquals(new InetSocketAddress(InetAddress.ofLiteral("198.18.0.1"), 0xa147), r.mapped());
    }

    @Test
    void wireGuardMessagesAreNotStun() {
        byte[] initiation = new byte[148];
        initiation[0] = 1;
        byte[] transport = new byte[32 + 16];
        transport[0] = 4;
        // even with the cookie where STUN has it (a receiver index can be anything)
        transport[4] = 0x21;
        transport[5] = 0x12;
        transport[6] = (byte) 0xa4;
        transport[7] = 0x42;
        assertFalse(Stun.isStun(initiation, 0, initiation.length));
        assertFalse(Stun.isStun(transport, 0, transport.length));
    }

    @Test
    void malformedMessagesAreRefusedWithoutExceptions() {
        byte[] good = Stun.bindingRequest(Stun.newTransactionId());
        assertFalse(Stun.isStun(good, 0, good.length - 4), "length field disagrees with the datagram");
        byte[] badAttr = good.clone();
        badAttr[22] = 0x7f; // SOFTWARE claims to be longer than the message
        assertFalse(Stun.isBindingRequest(badAttr, 0, badAttr.length));
        assertNull(Stun.parseBindingResponse(good, 0, good.length), "a request is not a response");
        Random rnd = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[rnd.nextInt(120)];
            rnd.nextBytes(b);
            if (b.length >= 8 && rnd.nextBoolean()) {
                b[0] = 1;
                b[1] = 1;
                b[2] = 0;
                b[3] = (byte) ((b.length - 20) & ~3);
                b[4] = 0x21;
                b[5] = 0x12;
                b[6] = (byte) 0xa4;
                b[7] = 0x42;
            }
            Stun.isBindingRequest(b, 0, b.length);
            Stun.parseBindingResponse(b, 0, b.length);
        }
    }
}
