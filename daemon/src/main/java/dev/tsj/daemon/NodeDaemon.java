package dev.tsj.daemon;

import dev.tsj.daemon.localapi.LocalApiRoutes;
import dev.tsj.daemon.localapi.LocalApiServer;
import dev.tsj.daemon.node.FileStateStore;
import dev.tsj.daemon.node.MemoryStateStore;
import dev.tsj.daemon.node.StateStore;
import dev.tsj.daemon.node.TailnetNode;
import dev.tsj.daemon.node.kube.KubeSecretStateStore;
import dev.tsj.daemon.router.LinuxRouter;
import dev.tsj.daemon.router.Router;
import dev.tsj.daemon.uapi.UapiProtocol;
import dev.tsj.daemon.uapi.UapiServer;
import dev.tsj.daemon.wg.Clock;
import dev.tsj.daemon.wg.Device;
import dev.tsj.tun.PacketDevice;
import dev.tsj.tun.link.IpCommandLinkConfigurator;
import dev.tsj.tun.link.LinkConfigurator;
import dev.tsj.tun.linux.LinuxTun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * tsjd: one WireGuard device on a TUN, configurable two ways. Until {@code tsj up} it is a
 * drop-in for wireguard-go, configured by {@code wg} over UAPI; once up, the coordination
 * server's netmap owns its peers and the UAPI socket turns read-only ({@code wg show}
 * works, {@code wg set} is refused with EPERM and a log line), since any change made
 * there would be overwritten by the next netmap.
 */
public final class NodeDaemon implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(NodeDaemon.class.getName());

    /** Where and how to run. */
    public record Options(String interfaceName, int port, int mtu, boolean offloads, Path uapiDir,
                          Path socket, String state, String operator) {}

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final TailnetNode node;
    private final Device device;

    private NodeDaemon(TailnetNode node, Device device) {
        this.node = node;
        this.device = device;
    }

    public static StateStore stateStore(String spec) {
        if (spec == null || spec.isEmpty()) {
            return new FileStateStore(FileStateStore.DEFAULT);
        }
        if (spec.equals("mem:")) {
            return new MemoryStateStore();
        }
        if (spec.startsWith("kube:")) {
            return KubeSecretStateStore.inCluster(spec.substring("kube:".length()));
        }
        return new FileStateStore(Path.of(spec));
    }

    public static NodeDaemon start(Options o) throws IOException {
        StateStore store = stateStore(o.state());
        store.load(); // a damaged state file stops us before we touch the host
        PacketDevice tun = LinuxTun.open(o.interfaceName(), o.mtu(), o.offloads());
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            LinkConfigurator link = IpCommandLinkConfigurator.host();
            link.setUp(tun.name(), true);
            Device device = new Device(tun, Clock.SYSTEM);
            opened.add(device);
            device.listen(o.port());
            Router router = new LinuxRouter(link, tun.name());
            TailnetNode node = new TailnetNode(device, router, store, tun.name());
            opened.add(0, node);
            UapiProtocol.ChangeGuard guard = lines -> switch (node.status().toJson().get("BackendState").asText()) {
                case "Running", "Starting" -> "the node is up in a tailnet and its peers come from the netmap: use tsj up/down, not wg set";
                default -> null;
            };
            opened.add(0, UapiServer.start(o.uapiDir(), tun.name(), device, guard));
            device.start(false);
            node.start();
            opened.add(0, LocalApiServer.start(o.socket(), o.operator(), LocalApiRoutes.of(node)));
            NodeDaemon d = new NodeDaemon(node, device);
            d.resources.addAll(opened);
            LOG.info("tsjd running: interface " + tun.name() + ", UDP port " + device.listenPort() + ", state " + store.describe());
            SdNotify.notify("READY=1\nSTATUS=running");
            return d;
        } catch (IOException | RuntimeException e) {
            for (AutoCloseable c : opened) {
                closeQuietly(c);
            }
            if (opened.isEmpty()) {
                tun.close();
            }
            throw e;
        }
    }

    public TailnetNode node() {
        return node;
    }

    public Device device() {
        return device;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warning("closing " + c.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Removes the sockets, routes and the interface, in reverse order of creation. */
    @Override
    public void close() {
        SdNotify.notify("STOPPING=1");
        for (AutoCloseable c : resources) {
            closeQuietly(c);
        }
        resources.clear();
        LOG.info("tsjd stopped");
    }
}
