package dev.tsj.tun.netstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/** A handler that writes {@code total} seeded pseudo-random bytes, hashing them, then half-closes. */
final class BulkSender implements TcpHandler {
    private final long total;
    private final SplittableRandom data;
    private final MessageDigest sha = sha256();
    private final byte[] chunk = new byte[16 * 1024];
    private int chunkPos = chunk.length;
    long written;
    boolean closeWhenDone = true;
    CloseReason closed;
    TcpConnection connection;

    BulkSender(long total, long seed) {
        this.total = total;
        this.data = new SplittableRandom(seed);
    }

    @Override
    public void onConnected(TcpConnection c) {
        connection = c;
        pump(c);
    }

    @Override
    public void onWritable(TcpConnection c) {
        pump(c);
    }

    @Override
    public void onClosed(TcpConnection c, CloseReason reason) {
        closed = reason;
    }

    void pump(TcpConnection c) {
        try {
            while (written < total) {
                if (chunkPos == chunk.length) {
                    data.nextBytes(chunk);
                    chunkPos = 0;
                }
                int len = (int) Math.min(chunk.length - chunkPos, total - written);
                int n = c.write(chunk, chunkPos, len);
                if (n == 0) return;
                sha.update(chunk, chunkPos, n);
                chunkPos += n;
                written += n;
            }
            if (closeWhenDone) c.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean done() {
        return written == total;
    }

    byte[] digest() {
        return sha.digest();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
