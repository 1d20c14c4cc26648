package dev.tsj.tun.netstack;

import java.nio.ByteBuffer;

/** Receives the datagrams of one accepted {@link UdpFlow}; runs on the loop and must not block. */
public interface UdpFlowHandler {
    /** {@code payload} is valid only during the call: copy what you keep. */
    void onDatagram(UdpFlow flow, ByteBuffer payload);

    /** The flow ended (idle timeout, {@link UdpFlow#close()}, or the stack closed). */
    default void onClosed(UdpFlow flow) {}
}
