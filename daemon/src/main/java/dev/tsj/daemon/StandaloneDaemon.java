package dev.tsj.daemon;

import dev.tsj.daemon.uapi.UapiProtocol;
import dev.tsj.daemon.uapi.UapiServer;
import dev.tsj.daemon.wg.Clock;
import dev.tsj.daemon.wg.Device;
import dev.tsj.tun.link.IpCommandLinkConfigurator;
import dev.tsj.tun.link.LinkConfigurator;
import dev.tsj.tun.linux.LinuxTun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/**
 * tsjd as a drop-in for wireguard-go: a TUN interface and a WireGuard device configured
 * through the UAPI socket by {@code wg}; no coordination server. Addresses and routes are
 * the operator's (wg-quick or ip), as with wireguard-go.
 */
public final class StandaloneDaemon implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StandaloneDaemon.class.getName());

    private final LinuxTun tun;
    private final Device device;
    private final UapiServer uapi;

    private StandaloneDaemon(LinuxTun tun, Device device, UapiServer uapi) {
        this.tun = tun;
        this.device = device;
        this.uapi = uapi;
    }

    public static StandaloneDaemon start(String interfaceName, int port, int mtu, boolean offloads, Path uapiDir) throws IOException {
        LinuxTun tun = LinuxTun.open(interfaceName, mtu, offloads);
        Device device = null;
        try {
            LinkConfigurator link = IpCommandLinkConfigurator.host();
            link.setUp(tun.name(), true);
            device = new Device(tun, Clock.SYSTEM);
            device.listen(port);
            UapiServer uapi = UapiServer.start(uapiDir, tun.name(), device, UapiProtocol.ChangeGuard.ALLOW_ALL);
            device.start(false);
            LOG.info("interface " + tun.name() + " up, MTU " + mtu + ", offloads " + tun.offloads());
            return new StandaloneDaemon(tun, device, uapi);
        } catch (IOException | RuntimeException e) {
            if (device != null) {
                device.close();
            } else {
                tun.close();
            }
            throw e;
        }
    }

    public Device device() {
        return device;
    }

    /** Runs until SIGTERM or SIGINT, then cleans up. */
    public void runUntilStopped(CountDownLatch stop) throws InterruptedException {
        stop.await();
        close();
    }

    @Override
    public void close() {
        uapi.close();
        device.close(); // closes the TUN fd: the kernel removes the interface
        LOG.info("interface " + tun.name() + " removed");
    }
}
