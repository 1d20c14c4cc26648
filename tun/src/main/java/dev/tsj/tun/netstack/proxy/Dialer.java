package dev.tsj.tun.netstack.proxy;

import dev.tsj.tun.netstack.forward.Duplex;
import java.io.IOException;

/** How a proxy reaches the destinations its clients ask for. */
public interface Dialer {
    /** Opens a TCP connection to {@code host} (a name or an address literal) and {@code port}. */
    Duplex dial(String host, int port) throws IOException;

    /** Opens a UDP socket for relaying a client's datagrams. */
    DatagramPort openUdp() throws IOException;
}
