package dev.tsj.tun.netstack;

import io.netty.buffer.ByteBuf;

/**
 * Where a {@link NetStack} puts the IP packets it sends. Called on the stack's loop.
 * When {@link #hasRoom()} says no, TCP holds data back until the sink's owner calls
 * {@link NetStack#outputReady()} on the loop: that is how a slow consumer of the
 * stack's packets (the WireGuard encryptor) pushes back on senders.
 */
public interface PacketSink {
    /** Whether bulk data may be sent now; control packets are sent regardless. */
    boolean hasRoom();

    /** Takes ownership of one complete IP packet (readerIndex to writerIndex). */
    void send(ByteBuf packet);
}
