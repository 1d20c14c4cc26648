package dev.tsj.tun.netstack;

import java.io.IOException;
import java.security.MessageDigest;

/** A handler that reads everything, hashing it, until end of stream. */
final class BulkReceiver implements TcpHandler {
    private final MessageDigest sha = BulkSender.sha256();
    private final byte[] buf = new byte[32 * 1024];
    long received;
    boolean eof;
    /** When false, the receiver reads nothing until told (slow reader tests). */
    boolean reading = true;
    long readLimitPerCall = Long.MAX_VALUE;
    boolean closeAtEof;
    CloseReason closed;
    IOException error;
    TcpConnection connection;

    @Override
    public void onConnected(TcpConnection c) {
        connection = c;
        onReadable(c);
    }

    @Override
    public void onReadable(TcpConnection c) {
        connection = c;
        if (!reading) return;
        try {
            long budget = readLimitPerCall;
            while (budget > 0) {
                int n = c.read(buf, 0, (int) Math.min(buf.length, budget));
                if (n < 0) {
                    eof = true;
                    if (closeAtEof) c.close();
                    return;
                }
                if (n == 0) return;
                sha.update(buf, 0, n);
                received += n;
                budget -= n;
            }
        } catch (IOException e) {
            error = e;
        }
    }

    @Override
    public void onClosed(TcpConnection c, CloseReason reason) {
        closed = reason;
    }

    byte[] digest() {
        return sha.digest();
    }
}
