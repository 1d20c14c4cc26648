package dev.tsj.daemon.wg;

import dev.tsj.crypto.PublicKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The "source address" of a message that came through the relay: it names the sending
 * node's key, so replies (a cookie under load) go back the same way, and it is never
 * taken as a UDP endpoint to roam to.
 */
public final class RelayedFrom extends InetSocketAddress {
    private static final long serialVersionUID = 1L;
    private final transient PublicKey node;

    public RelayedFrom(PublicKey node) {
        super(InetAddress.getLoopbackAddress(), 0);
        this.node = node;
    }

    public PublicKey node() {
        return node;
    }

    @Override
    public String toString() {
        return "relay:" + node.shortString();
    }
}
