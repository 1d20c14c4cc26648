package dev.tsj.control.relay.io;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Gathers frames into one buffer and writes it with one call when full or when the
 * writer runs out of work, so a burst of small packets costs one system call.
 * Single-threaded: owned by a connection's writer.
 */
public final class FrameSink {
    private final OutputStream out;
    private final byte[] buf;
    private int n;

    public FrameSink(OutputStream out, int size) {
        this.out = out;
        this.buf = new byte[size];
    }

    public void write(byte[] b, int off, int len) throws IOException {
        if (n + len > buf.length) {
            flush();
        }
        if (len > buf.length) {
            out.write(b, off, len);
            return;
        }
        System.arraycopy(b, off, buf, n, len);
        n += len;
    }

    public void flush() throws IOException {
        if (n > 0) {
            out.write(buf, 0, n);
            n = 0;
        }
        out.flush();
    }

    public boolean isEmpty() {
        return n == 0;
    }
}
