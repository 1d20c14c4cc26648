package dev.tsj.control.noise;

import dev.tsj.crypto.PublicKey;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The transport phase of a control channel over a byte stream. A message is one or more
 * data frames; each frame is {@code type(1) | length(2, big-endian) | AEAD ciphertext}
 * whose plaintext is a flags byte and a chunk of the message, the last chunk flagged
 * {@link NoiseSpec#FLAG_FINAL}. One thread reads, any thread may write (writes are
 * serialised by a lock). Buffers are allocated per frame and dropped, so an idle channel
 * holds no buffer at all: that is what lets a server keep 10,000 of them.
 */
public final class NoiseChannel implements Closeable {
    private final InputStream in;
    private final OutputStream out;
    private final Socket socket;
    private final NoiseIK.Transport transport;
    private final ReentrantLock writeLock = new ReentrantLock();

    public NoiseChannel(InputStream in, OutputStream out, Socket socket, NoiseIK.Transport transport) {
        this.in = in;
        this.out = out;
        this.socket = socket;
        this.transport = transport;
    }

    /** The other end's static key as the handshake proved it. */
    public PublicKey remoteStatic() {
        return transport.remoteStatic();
    }

    /**
     * Reads one whole message.
     *
     * @throws MessageTooLargeException when it would exceed {@code maxSize} bytes (the rest
     *     of it is not read: the channel is unusable afterwards)
     */
    public byte[] readMessage(int maxSize) throws IOException {
        ByteArrayOutputStream msg = null;
        while (true) {
            byte[] head = in.readNBytes(NoiseSpec.FRAME_HEADER);
            if (head.length < NoiseSpec.FRAME_HEADER) {
                throw new EOFException("control channel closed");
            }
            if (head[0] != NoiseSpec.FRAME_DATA) {
                throw new IOException("unexpected control frame type " + head[0]);
            }
            int len = ((head[1] & 0xff) << 8) | (head[2] & 0xff);
            if (len < NoiseSpec.TAG_LEN + 1) {
                throw new IOException("control frame too short");
            }
            byte[] body = in.readNBytes(len);
            if (body.length < len) {
                throw new EOFException("control channel closed mid-frame");
            }
            int n = transport.receiver().open(body, len);
            boolean last = (body[0] & NoiseSpec.FLAG_FINAL) != 0;
            int chunk = n - 1;
            int sofar = msg == null ? 0 : msg.size();
            if ((long) sofar + chunk > maxSize) {
                throw new MessageTooLargeException(maxSize);
            }
            if (last && msg == null) {
                byte[] whole = new byte[chunk];
                System.arraycopy(body, 1, whole, 0, chunk);
                return whole;
            }
            if (msg == null) {
                msg = new ByteArrayOutputStream(Math.max(chunk * 2, 256));
            }
            msg.write(body, 1, chunk);
            if (last) {
                return msg.toByteArray();
            }
        }
    }

    public void writeMessage(byte[] message) throws IOException {
        writeMessage(List.of(message));
    }

    /** Writes the concatenation of {@code segments} as one message, without joining them first. */
    public void writeMessage(List<byte[]> segments) throws IOException {
        long total = 0;
        for (byte[] s : segments) {
            total += s.length;
        }
        writeLock.lock();
        try {
            int cap = (int) Math.min(total, NoiseSpec.MAX_CHUNK);
            byte[] plain = new byte[cap + 1];
            int fill = 0;
            for (byte[] s : segments) {
                int pos = 0;
                while (pos < s.length) {
                    if (fill == cap) {
                        writeFrame(plain, fill, false);
                        fill = 0;
                    }
                    int n = Math.min(cap - fill, s.length - pos);
                    System.arraycopy(s, pos, plain, 1 + fill, n);
                    fill += n;
                    pos += n;
                }
            }
            writeFrame(plain, fill, true);
            out.flush();
        } finally {
            writeLock.unlock();
        }
    }

    private void writeFrame(byte[] plain, int chunkLen, boolean last) throws IOException {
        plain[0] = last ? NoiseSpec.FLAG_FINAL : 0;
        int ctLen = chunkLen + 1 + NoiseSpec.TAG_LEN;
        byte[] frame = new byte[NoiseSpec.FRAME_HEADER + ctLen];
        transport.sender().seal(plain, 0, chunkLen + 1, frame, NoiseSpec.FRAME_HEADER);
        frame[0] = NoiseSpec.FRAME_DATA;
        frame[1] = (byte) (ctLen >>> 8);
        frame[2] = (byte) ctLen;
        out.write(frame);
    }

    /** Limits how long {@link #readMessage} waits for the next bytes (0: forever). */
    public void setReadTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    public boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Writes the responder's handshake frame (before any data frame). */
    public static void writeHandshakeFrame(OutputStream out, byte[] msg2) throws IOException {
        byte[] frame = new byte[NoiseSpec.FRAME_HEADER + msg2.length];
        frame[0] = NoiseSpec.FRAME_HANDSHAKE;
        frame[1] = (byte) (msg2.length >>> 8);
        frame[2] = (byte) msg2.length;
        System.arraycopy(msg2, 0, frame, NoiseSpec.FRAME_HEADER, msg2.length);
        out.write(frame);
        out.flush();
    }

    /** Reads the responder's handshake frame. */
    public static byte[] readHandshakeFrame(InputStream in) throws IOException {
        byte[] head = in.readNBytes(NoiseSpec.FRAME_HEADER);
        if (head.length < NoiseSpec.FRAME_HEADER || head[0] != NoiseSpec.FRAME_HANDSHAKE) {
            throw new IOException("server did not answer the handshake");
        }
        int len = ((head[1] & 0xff) << 8) | (head[2] & 0xff);
        byte[] body = in.readNBytes(len);
        if (body.length < len) {
            throw new EOFException("server closed the channel during the handshake");
        }
        return body;
    }
}
