package dev.tsj.daemon.wg;

import java.nio.ByteBuffer;

/**
 * Lets the daemon itself take packets addressed to it out of the receive path before they
 * reach the TUN (the answers to {@code tsj ping}). Runs on the packet thread: it must be
 * quick and must not keep the buffer.
 */
public interface InboundTap {
    /** True when the packet was for the daemon and is consumed. */
    boolean consume(ByteBuffer buf, int off, int len);
}
