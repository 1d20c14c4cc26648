package dev.tsj.daemon.dataplane;

import dev.tsj.daemon.router.LinuxRouter;
import dev.tsj.daemon.router.Router;
import dev.tsj.tun.PacketDevice;
import dev.tsj.tun.link.IpCommandLinkConfigurator;
import dev.tsj.tun.link.LinkConfigurator;
import dev.tsj.tun.linux.LinuxTun;
import java.io.IOException;

/** The kernel's network stack: a TUN interface, with addresses and routes set through {@link LinuxRouter}. */
public final class TunDataplane implements Dataplane {
    private final LinuxTun tun;
    private final Router router;

    private TunDataplane(LinuxTun tun, Router router) {
        this.tun = tun;
        this.router = router;
    }

    /** Opens (and brings up) the interface; needs CAP_NET_ADMIN. */
    public static TunDataplane open(String name, int mtu, boolean offloads) throws IOException {
        LinuxTun tun = LinuxTun.open(name, mtu, offloads);
        try {
            LinkConfigurator link = IpCommandLinkConfigurator.host();
            link.setUp(tun.name(), true);
            return new TunDataplane(tun, new LinuxRouter(link, tun.name()));
        } catch (IOException | RuntimeException e) {
            tun.close();
            throw e;
        }
    }

    @Override
    public PacketDevice device() {
        return tun;
    }

    @Override
    public Router router() {
        return router;
    }

    @Override
    public boolean tun() {
        return true;
    }

    @Override
    public String describe() {
        return "interface " + tun.name();
    }

    /** The router's routes go with the node; the interface goes when the WireGuard device closes the fd. */
    @Override
    public void close() {
        router.close();
    }
}
