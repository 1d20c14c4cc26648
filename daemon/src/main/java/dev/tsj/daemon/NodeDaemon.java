package dev.tsj.daemon;

import dev.tsj.daemon.dataplane.Dataplane;
import dev.tsj.daemon.dataplane.ProxySettings;
import dev.tsj.daemon.dataplane.TailnetNames;
import dev.tsj.daemon.dataplane.TunDataplane;
import dev.tsj.daemon.dataplane.UserspaceDataplane;
import dev.tsj.daemon.localapi.LocalApiRoutes;
import dev.tsj.daemon.localapi.LocalApiServer;
import dev.tsj.daemon.node.FileStateStore;
import dev.tsj.daemon.node.MemoryStateStore;
import dev.tsj.daemon.node.StateStore;
import dev.tsj.daemon.node.TailnetNode;
import dev.tsj.daemon.node.kube.KubeSecretStateStore;
import dev.tsj.daemon.uapi.UapiProtocol;
import dev.tsj.daemon.uapi.UapiServer;
import dev.tsj.daemon.wg.Clock;
import dev.tsj.daemon.wg.Device;
import dev.tsj.tun.netstack.proxy.Resolver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * tsjd: one WireGuard device on a {@link Dataplane} (a TUN interface, or userspace
 * networking), configurable two ways. Until {@code tsj up} it is a
 * drop-in for wireguard-go, configured by {@code wg} over UAPI; once up, the coordination
 * server's netmap owns its peers and the UAPI socket turns read-only ({@code wg show}
 * works, {@code wg set} is refused with EPERM and a log line), since any change made
 * there would be overwritten by the next netmap.
 */
public final class NodeDaemon implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(NodeDaemon.class.getName());

    /**
     * Where and how to run.
     *
     * @param interfaceName the TUN interface, or {@link Dataplane#USERSPACE} for userspace networking
     * @param uapiDir       where the wg UAPI socket goes; null: the default in TUN mode, none in userspace mode
     * @param proxies       the proxies of userspace mode ({@link ProxySettings#NONE} for none)
     * @param endpoints     where peers can reach this node; null: the host's addresses (a demo on loopback says 127.0.0.1)
     */
    public record Options(String interfaceName, int port, int mtu, boolean offloads, Path uapiDir,
                          Path socket, String state, String operator, ProxySettings proxies,
                          TailnetNode.EndpointSource endpoints) {
        public boolean userspace() {
            return Dataplane.USERSPACE.equals(interfaceName);
        }
    }

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final TailnetNode node;
    private final Device device;
    private final Dataplane dataplane;

    private NodeDaemon(TailnetNode node, Device device, Dataplane dataplane) {
        this.node = node;
        this.device = device;
        this.dataplane = dataplane;
    }

    public static StateStore stateStore(String spec) {
        Path file = stateFile(spec);
        if (file != null) {
            return new FileStateStore(file);
        }
        if (spec.equals("mem:")) {
            return new MemoryStateStore();
        }
        return KubeSecretStateStore.inCluster(spec.substring("kube:".length()));
    }

    /** The state file {@code --state} names (the default when empty), or null for {@code mem:} and {@code kube:NAME}. */
    public static Path stateFile(String spec) {
        if (spec == null || spec.isEmpty()) {
            return FileStateStore.DEFAULT;
        }
        return spec.equals("mem:") || spec.startsWith("kube:") ? null : Path.of(spec);
    }

    public static NodeDaemon start(Options o) throws IOException {
        StateStore store = stateStore(o.state());
        store.load(); // a damaged state file stops us before we touch the host
        AtomicReference<TailnetNode> nodeRef = new AtomicReference<>();
        Dataplane plane = o.userspace()
                ? UserspaceDataplane.start(o.mtu(), o.proxies(),
                        new TailnetNames(() -> nodeRef.get() == null ? null : nodeRef.get().netMap(), Resolver.system()))
                : TunDataplane.open(o.interfaceName(), o.mtu(), o.offloads());
        List<AutoCloseable> opened = new ArrayList<>();
        opened.add(plane);
        Device device = null;
        try {
            device = new Device(plane.device(), Clock.SYSTEM);
            opened.add(device);
            device.listen(o.port());
            TailnetNode node = o.endpoints() == null
                    ? new TailnetNode(device, plane.router(), store, plane.name())
                    : new TailnetNode(device, plane.router(), store, plane.name(), o.endpoints());
            nodeRef.set(node);
            node.describeDataplane(plane.tun(), plane.describe());
            opened.add(0, node);
            Path uapiDir = o.uapiDir() != null ? o.uapiDir() : o.userspace() ? null : UapiServer.DEFAULT_DIR;
            if (uapiDir != null) {
                UapiProtocol.ChangeGuard guard = lines -> switch (node.status().toJson().get("BackendState").asText()) {
                    case "Running", "Starting" -> "the node is up in a tailnet and its peers come from the netmap: use tsj up/down, not wg set";
                    default -> null;
                };
                opened.add(0, UapiServer.start(uapiDir, plane.name(), device, guard));
            }
            device.start(false);
            node.start();
            opened.add(0, LocalApiServer.start(o.socket(), o.operator(), LocalApiRoutes.of(node)));
            NodeDaemon daemon = new NodeDaemon(node, device, plane);
            daemon.resources.addAll(opened);
            LOG.info("tsjd running: " + plane.describe() + ", UDP port " + device.listenPort() + ", state " + store.describe());
            SdNotify.notify("READY=1\nSTATUS=running");
            return daemon;
        } catch (IOException | RuntimeException e) {
            for (AutoCloseable c : opened) {
                closeQuietly(c);
            }
            if (device == null) {
                closeQuietly(plane.device()); // never handed to a WireGuard device, which would close it
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

    public Dataplane dataplane() {
        return dataplane;
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
