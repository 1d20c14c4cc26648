package dev.tsj.tun.netstack;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** Receives datagrams for a bound {@link UdpEndpoint}; runs on the loop and must not block. */
@FunctionalInterface
public interface UdpHandler {
    /** {@code payload} is valid only during the call: copy what you keep. */
    void onDatagram(UdpEndpoint endpoint, InetSocketAddress sender, ByteBuffer payload);
}
