package dev.tsj.control.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tsj.crypto.PrivateKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NoiseIKTest {
    private final PrivateKey server = PrivateKey.generate();
    private final PrivateKey machine = PrivateKey.generate();

    private NoiseIK.Transport[] handshake() throws HandshakeException {
        NoiseIK.Initiator i = new NoiseIK.Initiator(machine, server.publicKey());
        byte[] m1 = i.writeMessage1("hello".getBytes(StandardCharsets.US_ASCII));
        NoiseIK.Responder r = new NoiseIK.Responder(server, m1);
        assertEquals(machine.publicKey(), r.remoteStatic());
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), r.payload());
        NoiseIK.Transport[] rt = new NoiseIK.Transport[1];
        byte[] m2 = r.writeMessage2(rt);
        NoiseIK.Transport it = i.readMessage2(m2);
        assertEquals(server.publicKey(), it.remoteStatic());
        return new NoiseIK.Transport[] {it, rt[0]};
    }

    @Test
    void bothEndsDeriveMatchingTransportKeys() throws Exception {
        NoiseIK.Transport[] t = handshake();
        byte[] msg = "netmap".getBytes(StandardCharsets.US_ASCII);
        byte[] ct = new byte[msg.length + 16];
        t[0].sender().seal(msg, 0, msg.length, ct, 0);
        assertEquals(msg.length, t[1].receiver().open(ct, ct.length));
        byte[] back = new byte[msg.length + 16];
        t[1].sender().seal(msg, 0, msg.length, back, 0);
        assertEquals(msg.length, t[0].receiver().open(back, back.length));
    }

    @Test
    void wrongServerKeyFailsTheHandshake() throws Exception {
        NoiseIK.Initiator i = new NoiseIK.Initiator(machine, PrivateKey.generate().publicKey());
        byte[] m1 = i.writeMessage1(new byte[0]);
        assertThrows(HandshakeException.class, () -> new NoiseIK.Responder(server, m1));
    }

    @Test
    void tamperedOrTruncatedMessagesFail() throws Exception {
        NoiseIK.Initiator i = new NoiseIK.Initiator(machine, server.publicKey());
        byte[] m1 = i.writeMessage1(new byte[0]);
        m1[40] ^= 1;
        assertThrows(HandshakeException.class, () -> new NoiseIK.Responder(server, m1));
        assertThrows(HandshakeException.class, () -> new NoiseIK.Responder(server, new byte[10]));
        NoiseIK.Initiator i2 = new NoiseIK.Initiator(machine, server.publicKey());
        byte[] ok = i2.writeMessage1(new byte[0]);
        NoiseIK.Responder r = new NoiseIK.Responder(server, ok);
        byte[] m2 = r.writeMessage2(new NoiseIK.Transport[1]);
        m2[m2.length - 1] ^= 1;
        assertThrows(HandshakeException.class, () -> i2.readMessage2(m2));
    }

    @Test
    void channelCarriesMessagesLargerThanOneFrameAndRejectsOversized() throws Exception {
        NoiseIK.Transport[] t = handshake();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        NoiseChannel writer = new NoiseChannel(InputStreamNull.INSTANCE, wire, new Socket(), t[0]);
        byte[] big = new byte[200_000];
        new Random(1).nextBytes(big);
        writer.writeMessage(List.of(java.util.Arrays.copyOf(big, 70_000), java.util.Arrays.copyOfRange(big, 70_000, big.length)));
        writer.writeMessage(new byte[0]);
        writer.writeMessage(big);
        NoiseChannel reader = new NoiseChannel(new ByteArrayInputStream(wire.toByteArray()), new ByteArrayOutputStream(),
                new Socket(), t[1]);
        assertArrayEquals(big, reader.readMessage(1 << 20));
        assertEquals(0, reader.readMessage(1 << 20).length);
        assertThrows(MessageTooLargeException.class, () -> reader.readMessage(100_000));
    }

    @Test
    void aFlippedBitInTransportIsRejected() throws Exception {
        NoiseIK.Transport[] t = handshake();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        new NoiseChannel(InputStreamNull.INSTANCE, wire, new Socket(), t[0]).writeMessage(new byte[] {1, 2, 3});
        byte[] w = wire.toByteArray();
        w[5] ^= 1;
        NoiseChannel reader = new NoiseChannel(new ByteArrayInputStream(w), new ByteArrayOutputStream(), new Socket(), t[1]);
        assertThrows(IOException.class, () -> reader.readMessage(1000));
    }

    private static final class InputStreamNull extends java.io.InputStream {
        static final InputStreamNull INSTANCE = new InputStreamNull();

        @Override
        public int read() {
            return -1;
        }
    }
}
