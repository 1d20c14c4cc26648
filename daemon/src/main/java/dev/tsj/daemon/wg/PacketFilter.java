package dev.tsj.daemon.wg;

import java.nio.ByteBuffer;

/**
 * The node's packet filter, seen from the data path: every packet leaving through the
 * tunnel is shown to it (so a stateful filter learns the flows this node opened), and
 * every decrypted packet is checked before it reaches the TUN or the userspace stack.
 * Implementations must not allocate or lock per packet: they run on the packet threads.
 */
public interface PacketFilter {
    /** A packet this node sends into the tunnel (at {@code off}, {@code len} bytes). */
    void outbound(ByteBuffer buf, int off, int len);

    /** Whether a packet arriving from the tunnel may be delivered. */
    boolean allowInbound(ByteBuffer buf, int off, int len);

    PacketFilter ALLOW_ALL = new PacketFilter() {
        @Override
        public void outbound(ByteBuffer buf, int off, int len) {}

        @Override
        public boolean allowInbound(ByteBuffer buf, int off, int len) {
            return true;
        }
    };
}
