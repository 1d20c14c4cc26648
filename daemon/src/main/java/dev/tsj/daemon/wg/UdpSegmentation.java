package dev.tsj.daemon.wg;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.util.logging.Logger;

/**
 * Whether this socket sends with UDP GSO. On where the kernel and the epoll transport
 * support it; switched off for good the first time a segmented send fails (a route
 * through a device without checksum offload answers EIO), as wireguard-go does.
 */
final class UdpSegmentation implements ChannelFutureListener {
    private static final Logger LOG = Logger.getLogger(UdpSegmentation.class.getName());
    private volatile boolean enabled;

    UdpSegmentation(boolean supported) {
        this.enabled = supported;
    }

    boolean enabled() {
        return enabled;
    }

    @Override
    public void operationComplete(ChannelFuture f) {
        if (!f.isSuccess()) {
            disable(f.cause().getMessage());
        }
    }

    void disable(String reason) {
        if (enabled) {
            enabled = false;
            LOG.warning("UDP segmentation offload failed (" + reason + "); sending datagrams one by one");
        }
    }
}
