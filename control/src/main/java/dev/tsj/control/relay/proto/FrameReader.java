package dev.tsj.control.relay.proto;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads frames from a stream into one buffer it owns, with large reads so that a burst of
 * small frames costs one system call. A frame stays valid in {@link #buffer()} until the
 * next call to {@link #next()}; nothing is allocated per frame.
 */
public final class FrameReader {
    private final InputStream in;
    private final int maxPayload;
    private final byte[] buf;
    private int pos;
    private int lim;
    private int frameLength;
    private int type;
    private int payloadLength;

    /**
     * @param leftover bytes already read past the HTTP head, which come first
     */
    public FrameReader(InputStream in, int maxPayload, byte[] leftover) {
        this.in = in;
        this.maxPayload = maxPayload;
        this.buf = new byte[Math.max(2 * (RelayProto.FRAME_HEADER + maxPayload), 64 * 1024)];
        if (leftover.length > buf.length) {
            throw new IllegalArgumentException("leftover larger than the frame buffer");
        }
        System.arraycopy(leftover, 0, buf, 0, leftover.length);
        lim = leftover.length;
    }

    /**
     * Reads the next whole frame. Returns false on a clean end of stream between frames;
     * throws {@link EOFException} inside a frame and {@link ProtocolException} when the
     * length is negative or above the maximum.
     */
    public boolean next() throws IOException {
        pos += frameLength;
        frameLength = 0;
        if (!fill(RelayProto.FRAME_HEADER)) {
            if (lim == pos) {
                return false;
            }
            throw new EOFException("connection closed inside a frame header");
        }
        int len = Frames.getInt(buf, pos + 1);
        if (len < 0 || len > maxPayload) {
            throw new ProtocolException("frame length " + (len & 0xffffffffL) + " exceeds " + maxPayload);
        }
        if (!fill(RelayProto.FRAME_HEADER + len)) {
            throw new EOFException("connection closed inside a frame");
        }
        type = buf[pos] & 0xff;
        payloadLength = len;
        frameLength = RelayProto.FRAME_HEADER + len;
        return true;
    }

    private boolean fill(int need) throws IOException {
        while (lim - pos < need) {
            if (buf.length - pos < need) {
                System.arraycopy(buf, pos, buf, 0, lim - pos);
                lim -= pos;
                pos = 0;
            }
            int n = in.read(buf, lim, buf.length - lim);
            if (n < 0) {
                return false;
            }
            lim += n;
        }
        return true;
    }

    /**
     * Whether the next frame is already whole in the buffer, so {@link #next()} will not
     * read (and maybe block): a reader batches work until this turns false.
     */
    public boolean hasBufferedFrame() {
        int p = pos + frameLength;
        if (lim - p < RelayProto.FRAME_HEADER) {
            return false;
        }
        int len = Frames.getInt(buf, p + 1);
        return len >= 0 && len <= maxPayload && lim - p >= RelayProto.FRAME_HEADER + len;
    }

    public int type() {
        return type;
    }

    public byte[] buffer() {
        return buf;
    }

    /** Offset of the current frame's header in {@link #buffer()}. */
    public int frameOffset() {
        return pos;
    }

    public int payloadOffset() {
        return pos + RelayProto.FRAME_HEADER;
    }

    public int payloadLength() {
        return payloadLength;
    }

    /** A copy of the current payload (for handshake frames, not packets). */
    public byte[] payloadCopy() {
        return java.util.Arrays.copyOfRange(buf, payloadOffset(), payloadOffset() + payloadLength);
    }
}
