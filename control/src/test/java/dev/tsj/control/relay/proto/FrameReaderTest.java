package dev.tsj.control.relay.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrameReaderTest {
    /** Hands out at most one byte per read, as a slow network might. */
    private static InputStream trickle(byte[] b) {
        return new FilterInputStream(new ByteArrayInputStream(b)) {
            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                return super.read(buf, off, Math.min(1, len));
            }
        };
    }

    @Test
    void framesSplitAnywhereAndLeftoverComeOutWhole() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] big = new byte[RelayProto.MAX_PAYLOAD];
        Arrays.fill(big, (byte) 7);
        all.write(Frames.ping(99));
        all.write(Frames.frame(RelayProto.SEND_PACKET, big));
        all.write(Frames.keepAlive());
        byte[] bytes = all.toByteArray();
        FrameReader r = new FrameReader(trickle(Arrays.copyOfRange(bytes, 3, bytes.length)), RelayProto.MAX_PAYLOAD,
                Arrays.copyOf(bytes, 3));
        assertTrue(r.next());
        assertEquals(RelayProto.PING, r.type());
        assertEquals(99, Frames.getLong(r.buffer(), r.payloadOffset()));
        assertTrue(r.next());
        assertEquals(RelayProto.SEND_PACKET, r.type());
        assertArrayEquals(big, r.payloadCopy());
        assertTrue(r.next());
        assertEquals(RelayProto.KEEP_ALIVE, r.type());
        assertEquals(0, r.payloadLength());
        assertFalse(r.next(), "a clean end between frames");
    }

    @Test
    void itSaysWhetherTheNextFrameIsAlreadyBuffered() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(Frames.ping(1));
        all.write(Frames.keepAlive());
        byte[] partial = Frames.ping(2);
        all.write(partial, 0, 7);
        FrameReader r = new FrameReader(new ByteArrayInputStream(new byte[0]), RelayProto.MAX_PAYLOAD, all.toByteArray());
        assertTrue(r.next());
        assertTrue(r.hasBufferedFrame(), "the keepalive is there");
        assertTrue(r.next());
        assertFalse(r.hasBufferedFrame(), "only part of the next ping is");
    }

    @Test
    void aLengthAboveTheMaximumIsAProtocolError() {
        byte[] h = new byte[5];
        Frames.header(h, 0, RelayProto.SEND_PACKET, RelayProto.MAX_PAYLOAD + 1);
        FrameReader r = new FrameReader(new ByteArrayInputStream(h), RelayProto.MAX_PAYLOAD, new byte[0]);
        assertThrows(ProtocolException.class, r::next);
        Frames.header(h, 0, RelayProto.SEND_PACKET, -1);
        FrameReader neg = new FrameReader(new ByteArrayInputStream(h), RelayProto.MAX_PAYLOAD, new byte[0]);
        assertThrows(ProtocolException.class, neg::next);
    }

    @Test
    void anEndInsideAFrameIsAnEofError() {
        byte[] f = Frames.ping(1);
        FrameReader r = new FrameReader(new ByteArrayInputStream(Arrays.copyOf(f, 9)), RelayProto.MAX_PAYLOAD, new byte[0]);
        assertThrows(EOFException.class, r::next);
        FrameReader h = new FrameReader(new ByteArrayInputStream(Arrays.copyOf(f, 3)), RelayProto.MAX_PAYLOAD, new byte[0]);
        assertThrows(EOFException.class, h::next);
    }
}
