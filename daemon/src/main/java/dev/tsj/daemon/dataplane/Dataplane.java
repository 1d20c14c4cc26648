package dev.tsj.daemon.dataplane;

import dev.tsj.daemon.router.Router;
import dev.tsj.tun.PacketDevice;

/**
 * Where a node's plaintext packets go: the kernel through a TUN interface
 * ({@link TunDataplane}), or a network stack inside the daemon
 * ({@link UserspaceDataplane}). The WireGuard device reads and writes {@link #device()};
 * the node applies its netmap to {@link #router()}. Closing removes what the dataplane
 * added to the host; the packet device itself is closed by the WireGuard device that owns it.
 */
public interface Dataplane extends AutoCloseable {
    /** The name userspace mode goes by, as {@code --tun} takes it (Tailscale's spelling). */
    String USERSPACE = "userspace-networking";

    PacketDevice device();

    Router router();

    /** The interface name, or {@link #USERSPACE}. */
    default String name() {
        return device().name();
    }

    /** True for the kernel's TUN, false for the userspace stack (status shows it as {@code TUN}). */
    boolean tun();

    /** One line for the start-up log: what was set up and where. */
    String describe();

    @Override
    void close();
}
