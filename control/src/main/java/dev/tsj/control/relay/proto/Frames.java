package dev.tsj.control.relay.proto;

import java.nio.charset.StandardCharsets;

/**
 * Writing frames: headers in place (for packet frames built straight into queue buffers)
 * and whole small control frames. Big-endian lengths, as the protocol says.
 */
public final class Frames {
    private Frames() {}

    /** Writes {@code type | length} at {@code off}; returns the payload offset. */
    public static int header(byte[] b, int off, int type, int payloadLength) {
        b[off] = (byte) type;
        putInt(b, off + 1, payloadLength);
        return off + RelayProto.FRAME_HEADER;
    }

    /** The whole length of the frame starting at {@code off} (header included). */
    public static int frameLength(byte[] b, int off) {
        return RelayProto.FRAME_HEADER + getInt(b, off + 1);
    }

    /** A complete frame with {@code payload}. */
    public static byte[] frame(int type, byte[] payload) {
        byte[] f = new byte[RelayProto.FRAME_HEADER + payload.length];
        System.arraycopy(payload, 0, f, header(f, 0, type, payload.length), payload.length);
        return f;
    }

    public static byte[] keepAlive() {
        return frame(RelayProto.KEEP_ALIVE, new byte[0]);
    }

    public static byte[] ping(long data) {
        return frame(RelayProto.PING, longBytes(data));
    }

    public static byte[] pong(byte[] b, int off) {
        byte[] f = new byte[RelayProto.FRAME_HEADER + RelayProto.PING_SIZE];
        System.arraycopy(b, off, f, header(f, 0, RelayProto.PONG, RelayProto.PING_SIZE), RelayProto.PING_SIZE);
        return f;
    }

    public static byte[] peerGone(byte[] key, int keyOff, PeerGoneReason reason) {
        byte[] f = new byte[RelayProto.FRAME_HEADER + RelayProto.KEY_SIZE + 1];
        int p = header(f, 0, RelayProto.PEER_GONE, RelayProto.KEY_SIZE + 1);
        System.arraycopy(key, keyOff, f, p, RelayProto.KEY_SIZE);
        f[p + RelayProto.KEY_SIZE] = (byte) reason.code();
        return f;
    }

    /** A health frame; the text is cut to {@link RelayProto#MAX_HEALTH_TEXT} bytes. */
    public static byte[] health(String problem) {
        byte[] t = problem.getBytes(StandardCharsets.UTF_8);
        if (t.length > RelayProto.MAX_HEALTH_TEXT) {
            t = java.util.Arrays.copyOf(t, RelayProto.MAX_HEALTH_TEXT);
        }
        return frame(RelayProto.HEALTH, t);
    }

    public static byte[] restarting(int reconnectInMillis, int tryForMillis) {
        byte[] p = new byte[8];
        putInt(p, 0, reconnectInMillis);
        putInt(p, 4, tryForMillis);
        return frame(RelayProto.RESTARTING, p);
    }

    /** A frame whose payload must have a fixed length, checked. */
    public static void requireLength(int type, int len, int want) throws ProtocolException {
        if (len != want) {
            throw new ProtocolException("frame type " + type + " of length " + len + ", want " + want);
        }
    }

    public static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    public static int getInt(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    public static long getLong(byte[] b, int off) {
        return (long) getInt(b, off) << 32 | (getInt(b, off + 4) & 0xffffffffL);
    }

    static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        putInt(b, 0, (int) (v >>> 32));
        putInt(b, 4, (int) v);
        return b;
    }
}
