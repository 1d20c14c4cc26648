package dev.tsj.tun.netstack.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** An unconnected UDP socket a proxy sends through for its client (SOCKS5 UDP ASSOCIATE). */
public interface DatagramPort extends AutoCloseable {
    /** Sends {@code payload} to {@code to}, which may be unresolved (a name). */
    void send(InetSocketAddress to, ByteBuffer payload) throws IOException;

    /** Blocks for the next datagram, puts it into {@code into} (flipped) and returns its sender. */
    InetSocketAddress receive(ByteBuffer into) throws IOException;

    @Override
    void close();
}
