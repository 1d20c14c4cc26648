package dev.tsj.tun.netstack;

/**
 * Callbacks of a {@link TcpConnection}, all run on the stack's loop thread: they must
 * not block. Each is a level change worth looking at, not a promise of bytes: read or
 * write until the call returns 0 and wait for the next callback.
 */
public interface TcpHandler {
    TcpHandler NONE = new TcpHandler() {};

    /** The three-way handshake completed. */
    default void onConnected(TcpConnection c) {}

    /** New data or the peer's FIN (read returns -1) is waiting. */
    default void onReadable(TcpConnection c) {}

    /** A write that was cut short can now continue. */
    default void onWritable(TcpConnection c) {}

    /** The connection is gone; the last callback. */
    default void onClosed(TcpConnection c, CloseReason reason) {}
}
