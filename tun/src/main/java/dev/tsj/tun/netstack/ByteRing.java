package dev.tsj.tun.netstack;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * A byte FIFO with a hard size limit that grows its array on demand (so that ten
 * thousand idle connections do not each hold a megabyte). Bytes may also be placed
 * beyond the readable end ({@link #putAt}) and revealed later ({@link #commit}): the
 * receive side writes out-of-order TCP data straight into its final position, and the
 * send side keeps unacknowledged bytes readable at any offset for retransmission.
 * Loop-confined.
 */
final class ByteRing {
    private static final byte[] NONE = new byte[0];

    private final int initialCapacity;
    private final int limit;
    private byte[] buf = NONE;
    private int head;
    private int size;
    /** Bytes from head that hold data: {@code size} plus any placed beyond it. */
    private int extent;

    ByteRing(int initialCapacity, int limit) {
        this.initialCapacity = Math.min(initialCapacity, limit);
        this.limit = limit;
    }

    int size() {
        return size;
    }

    int limit() {
        return limit;
    }

    int free() {
        return limit - size;
    }

    int capacity() {
        return buf.length;
    }

    /** Appends up to {@link #free()} bytes; returns how many were taken. */
    int append(byte[] src, int off, int len) {
        int n = Math.min(len, free());
        ensure(size + n);
        int at = index(size);
        int first = Math.min(n, buf.length - at);
        System.arraycopy(src, off, buf, at, first);
        System.arraycopy(src, off + first, buf, 0, n - first);
        size += n;
        extent = Math.max(extent, size);
        return n;
    }

    int append(ByteBuffer src) {
        int n = Math.min(src.remaining(), free());
        ensure(size + n);
        int at = index(size);
        int first = Math.min(n, buf.length - at);
        src.get(buf, at, first);
        src.get(buf, 0, n - first);
        size += n;
        extent = Math.max(extent, size);
        return n;
    }

    /** Places {@code len} bytes at {@code offset} from the head without making them readable. */
    void putAt(int offset, ByteBuf src, int srcIndex, int len) {
        if (offset < 0 || offset + len > limit) throw new IndexOutOfBoundsException("put beyond limit");
        ensure(offset + len);
        int at = index(offset);
        int first = Math.min(len, buf.length - at);
        src.getBytes(srcIndex, buf, at, first);
        src.getBytes(srcIndex + first, buf, 0, len - first);
        extent = Math.max(extent, offset + len);
    }

    /** Makes {@code n} bytes placed by {@link #putAt} past the readable end readable. */
    void commit(int n) {
        if (size + n > extent) throw new IllegalStateException("commit beyond placed bytes");
        size += n;
    }

    /** Copies {@code len} bytes starting {@code offset} from the head into {@code dst}, consuming nothing. */
    void copyTo(int offset, ByteBuf dst, int len) {
        if (offset < 0 || offset + len > size) throw new IndexOutOfBoundsException("copy beyond data");
        int at = index(offset);
        int first = Math.min(len, buf.length - at);
        dst.writeBytes(buf, at, first);
        dst.writeBytes(buf, 0, len - first);
    }

    int read(byte[] dst, int off, int len) {
        int n = Math.min(len, size);
        int first = Math.min(n, buf.length - head);
        System.arraycopy(buf, head, dst, off, first);
        System.arraycopy(buf, 0, dst, off + first, n - first);
        skip(n);
        return n;
    }

    int read(ByteBuffer dst) {
        int n = Math.min(dst.remaining(), size);
        int first = Math.min(n, buf.length - head);
        dst.put(buf, head, first);
        dst.put(buf, 0, n - first);
        skip(n);
        return n;
    }

    void skip(int n) {
        if (n > size) throw new IndexOutOfBoundsException("skip beyond data");
        if (n == 0) return;
        head = index(n);
        size -= n;
        extent -= n;
        if (extent == 0) head = 0;
    }

    /** Drops everything and the array with it. */
    void release() {
        buf = NONE;
        head = size = extent = 0;
    }

    private int index(int offset) {
        int i = head + offset;
        return i >= buf.length ? i - buf.length : i;
    }

    private void ensure(int needed) {
        if (needed <= buf.length) return;
        int cap = Math.max(buf.length == 0 ? initialCapacity : buf.length, 1);
        while (cap < needed) cap = (int) Math.min((long) cap * 2, limit);
        byte[] grown = new byte[cap];
        int first = Math.min(extent, buf.length - head);
        System.arraycopy(buf, head, grown, 0, first);
        System.arraycopy(buf, 0, grown, first, extent - first);
        buf = grown;
        head = 0;
    }
}
