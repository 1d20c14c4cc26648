package dev.tsj.control.relay.io;

/**
 * Recycles the fixed-size buffers that carry queued frames from the thread that reads a
 * packet to the thread that writes it, so the relay allocates no buffer per packet once
 * warm. The pool keeps at most {@code retain} idle buffers; when empty it allocates, so it
 * never limits traffic (the per-connection queues do that).
 */
public final class BufferPool {
    private final int bufferSize;
    private final LockFreeRing<byte[]> free;

    public BufferPool(int bufferSize, int retain) {
        this.bufferSize = bufferSize;
        this.free = new LockFreeRing<>(retain);
    }

    public int bufferSize() {
        return bufferSize;
    }

    public byte[] take() {
        byte[] b = free.poll();
        return b != null ? b : new byte[bufferSize];
    }

    /** Returns a buffer taken from this pool; others (one-off large ones) are left to the GC. */
    public void give(byte[] b) {
        if (b.length == bufferSize) {
            free.offer(b);
        }
    }
}
