package dev.tsj.control.relay;

import static dev.tsj.control.relay.RelayFixture.WAIT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.control.TestServer;
import dev.tsj.control.http.HttpHead;
import dev.tsj.control.relay.client.RelayClient;
import dev.tsj.control.relay.proto.Frames;
import dev.tsj.control.relay.proto.RelayHandshake;
import dev.tsj.control.relay.proto.RelayProto;
import dev.tsj.crypto.PrivateKey;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the relay does with input a real client never sends: close and count, never crash. */
class RelayBadInputTest {
    private RelayFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new RelayFixture();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void aClientInfoBoxNotMadeWithTheNodeKeyIsRefused() throws Exception {
        RawRelayConnection raw = f.raw();
        byte[] payload = new byte[RelayProto.KEY_SIZE + 4 + 16];
        f.admittedKey().publicKey().copyTo(payload, 0);
        new Random(1).nextBytes(payload); // a key, then a box of noise
        f.admittedKey().publicKey().copyTo(payload, 0);
        raw.write(Frames.frame(RelayProto.CLIENT_INFO, payload));
        assertTrue(raw.closedByRelay());
        assertEquals(1, f.stats().badClientInfo());
        assertEquals(0, f.stats().clients());
    }

    @Test
    void aRecordedClientInfoCannotBeReplayedOnAnotherConnection() throws Exception {
        PrivateKey node = f.admittedKey();
        RawRelayConnection first = f.raw();
        byte[] recorded = RelayHandshake.clientInfoFrame(node, first.serverKey, new RelayHandshake.SessionKeys[1]);
        first.close();
        RawRelayConnection replay = f.raw();
        replay.write(recorded);
        assertTrue(replay.closedByRelay());
        TestServer.await("counted", WAIT, () -> f.stats().badClientInfo() == 1);
        assertEquals(0, f.stats().connections());
    }

    @Test
    void aFirstFrameOtherThanClientInfoIsRefused() throws Exception {
        RawRelayConnection raw = f.raw();
        raw.write(Frames.ping(42));
        assertTrue(raw.closedByRelay());
        assertEquals(1, f.stats().badClientInfo());
    }

    @Test
    void anOversizedFrameLengthClosesTheConnection() throws Exception {
        RawRelayConnection raw = f.raw();
        raw.handshake(f.admittedKey());
        byte[] head = new byte[5];
        Frames.header(head, 0, RelayProto.SEND_PACKET, Integer.MAX_VALUE);
        raw.write(head);
        assertTrue(raw.closedByRelay());
        TestServer.await("counted", WAIT, () -> f.stats().malformedFrames() == 1 && f.stats().clients() == 0);
    }

    @Test
    void aSendFrameShorterThanAKeyClosesTheConnection() throws Exception {
        RawRelayConnection raw = f.raw();
        raw.handshake(f.admittedKey());
        raw.write(Frames.frame(RelayProto.SEND_PACKET, new byte[31]));
        assertTrue(raw.closedByRelay());
        TestServer.await("counted", WAIT, () -> f.stats().malformedFrames() == 1);
    }

    @Test
    void aServerOnlyFrameFromAClientClosesTheConnection() throws Exception {
        RawRelayConnection raw = f.raw();
        raw.handshake(f.admittedKey());
        raw.write(Frames.frame(RelayProto.RECV_PACKET, new byte[40]));
        assertTrue(raw.closedByRelay());
        TestServer.await("counted", WAIT, () -> f.stats().malformedFrames() == 1);
    }

    @Test
    void anUnknownFrameTypeIsSkippedAndTheConnectionLives() throws Exception {
        RawRelayConnection raw = f.raw();
        raw.handshake(f.admittedKey());
        raw.write(Frames.frame(0x7f, new byte[100]));
        raw.write(Frames.ping(0x1122334455667788L));
        assertEquals(RelayProto.PONG, raw.nextType());
        assertEquals(0x1122334455667788L, Frames.getLong(raw.reader.buffer(), raw.reader.payloadOffset()));
        assertEquals(1, f.stats().unknownFrames());
        assertEquals(0, f.stats().malformedFrames());
    }

    @Test
    void aConnectionCutInsideAFrameIsCleanedUp() throws Exception {
        RawRelayConnection raw = f.raw();
        raw.handshake(f.admittedKey());
        byte[] head = new byte[5];
        Frames.header(head, 0, RelayProto.SEND_PACKET, 1000);
        raw.write(head);
        raw.write(new byte[10]);
        raw.close();
        TestServer.await("unregistered", WAIT, () -> f.stats().clients() == 0);
    }

    @Test
    void plainHttpMistakesGetHttpErrors() throws Exception {
        assertEquals("426", httpStatus("GET /relay HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals("405", httpStatus("POST /relay HTTP/1.1\r\nHost: x\r\nUpgrade: tsj-relay\r\nConnection: Upgrade\r\n\r\n"));
        assertEquals("404", httpStatus("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals("400", httpStatus("garbage\r\n\r\n"));
        assertEquals("200", httpStatus("GET /relay/stats HTTP/1.1\r\nHost: x\r\n\r\n"));
    }

    private String httpStatus(String request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(f.relay.address(), 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return HttpHead.read(s.getInputStream()).second();
        }
    }

    @Test
    void noiseAfterTheHandshakeNeverTakesTheRelayDown() throws Exception {
        Random rnd = new Random(5);
        for (int i = 0; i < 40; i++) {
            RawRelayConnection raw = f.raw();
            raw.handshake(f.admittedKey());
            byte[] noise = new byte[rnd.nextInt(3000)];
            rnd.nextBytes(noise);
            try {
                raw.write(noise);
            } catch (IOException e) {
                // the relay may already have hung up
            }
            raw.close();
        }
        PrivateKey b = f.admittedKey();
        Inbox ib = new Inbox();
        RelayClient cb = f.client(b, ib);
        RelayClient ca = f.connected(new Inbox());
        TestServer.await("b connected", WAIT, cb::isConnected);
        ca.send(b.publicKey(), new byte[] {1, 2, 3}, 0, 3);
        assertArrayEquals(new byte[] {1, 2, 3}, ib.next(WAIT).data());
    }
}
