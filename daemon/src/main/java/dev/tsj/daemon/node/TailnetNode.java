package dev.tsj.daemon.node;

import dev.tsj.control.api.Hostinfo;
import dev.tsj.control.api.IpPrefix;
import dev.tsj.control.api.MapRequest;
import dev.tsj.control.api.MapUpdate;
import dev.tsj.control.api.NetMap;
import dev.tsj.control.api.Node;
import dev.tsj.control.api.RegisterRequest;
import dev.tsj.control.api.RegisterResponse;
import dev.tsj.control.client.ControlClient;
import dev.tsj.control.client.ControlException;
import dev.tsj.control.client.MapSession;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.daemon.filter.StatefulFilter;
import dev.tsj.daemon.router.Router;
import dev.tsj.daemon.wg.Device;
import dev.tsj.daemon.wg.Prefix;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * A tailnet node: the WireGuard device driven by the coordination server. It registers
 * with an auth key, holds the map session, turns each netmap into WireGuard peers and
 * host routes, and keeps its state so that a restart (or a server outage) finds it where
 * it was: the data plane keeps running on the last netmap.
 */
public final class TailnetNode implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TailnetNode.class.getName());
    /** The tailnet's address ranges, routed into the tunnel whenever the node is up. */
    static final List<String> TAILNET_RANGES = List.of("100.64.0.0/10", "fd7a:115c:a1e0::/48");

    public enum BackendState { NoState, NeedsLogin, Stopped, Starting, Running }

    private final Device device;
    private final Router router;
    private final StateStore store;
    private final String interfaceName;
    private final PingService pinger;
    private final Object lock = new Object();

    private NodeState state;
    private ControlClient client;
    private MapSession session;
    private volatile NetMap netMap;
    private volatile dev.tsj.daemon.magic.MagicPaths paths;
    /** Each peer's disco key as last seen: a new one means the peer restarted. */
    private final java.util.Map<dev.tsj.crypto.PublicKey, dev.tsj.crypto.PublicKey> discoKeys = new java.util.HashMap<>();
    private StatefulFilter filter;
    private volatile BackendState backend = BackendState.NoState;
    /** Status's {@code TUN} and what the node's dataplane is, in a few words. */
    private volatile boolean tun = true;
    private volatile String dataplane = "";
    private volatile String backendDetail = "";
    private CompletableFuture<NetMap> firstMap = new CompletableFuture<>();

    /** Where this node says peers can reach it, given its UDP port. */
    public interface EndpointSource {
        List<java.net.InetSocketAddress> endpoints(int port);
    }

    private final EndpointSource endpoints;

    public TailnetNode(Device device, Router router, StateStore store, String interfaceName) {
        this(device, router, store, interfaceName, port -> HostIdentity.endpoints(port, interfaceName));
    }

    public TailnetNode(Device device, Router router, StateStore store, String interfaceName, EndpointSource endpoints) {
        this.device = device;
        this.router = router;
        this.store = store;
        this.interfaceName = interfaceName;
        this.endpoints = endpoints;
        this.pinger = new PingService(device);
        device.setInboundTap(pinger);
    }

    /** Loads (or creates) the node's identity and, if it was up before, brings it back. */
    public void start() throws IOException {
        synchronized (lock) {
            NodeState s = store.load();
            if (s == null) {
                s = new NodeState(NodeState.CURRENT_VERSION, PrivateKey.generate().toBase64(),
                        PrivateKey.generate().toBase64(), Prefs.defaults(), null, null);
                store.save(s);
                LOG.info("new node identity created in " + store.describe());
            }
            state = s;
            if (s.registration() == null) {
                // Not in a tailnet: the device stays as wg leaves it (a wireguard-go drop-in
                // starts with no key); the node key goes on at tsj up.
                backend = BackendState.NeedsLogin;
                return;
            }
            device.setPrivateKey(PrivateKey.fromBase64(s.nodeKey()));
            if (!s.prefs().wantRunning()) {
                backend = BackendState.Stopped;
                return;
            }
            if (s.lastNetMap() != null) {
                LOG.info("restoring the last netmap (" + s.lastNetMap().peers().size() + " peers) until the server answers");
                applyNetMap(s.lastNetMap(), false);
            }
            openSession();
        }
    }

    public Device device() {
        return device;
    }

    /** What status says about where packets go: the kernel's TUN, or userspace networking and its proxies. */
    public void describeDataplane(boolean tun, String summary) {
        this.tun = tun;
        this.dataplane = summary;
    }

    /** {@code tsj up}: registers if needed, brings the node up and waits for the first netmap. */
    public StatusView.Up up(UpRequest req) throws NodeException {
        CompletableFuture<NetMap> waitFor;
        synchronized (lock) {
            Prefs prefs = canonical(req.merge(state.prefs()));
            boolean serverChanged = state.registration() != null && state.prefs().loginServer() != null
                    && !state.prefs().loginServer().equals(prefs.loginServer());
            if (serverChanged && req.authKey() == null) {
                throw new NodeException(400, "this node is registered with " + state.prefs().loginServer()
                        + "; to move it to " + prefs.loginServer() + ", pass --auth-key (or run tsj logout first)");
            }
            boolean mustRegister = state.registration() == null || req.authKey() != null || backend == BackendState.NeedsLogin;
            if (mustRegister && req.authKey() == null) {
                throw new NodeException(400, state.registration() == null
                        ? "this node is not registered yet: pass --auth-key KEY (from tsj control authkeys create)"
                        : "this node must log in again (" + backendDetail + "): pass --auth-key KEY");
            }
            boolean sameServer = state.prefs().loginServer() == null || state.prefs().loginServer().equals(prefs.loginServer());
            if (!mustRegister && sameServer && session != null && backend == BackendState.Running && netMap != null) {
                // Already up: new settings go out on the open session and apply here, with no
                // reconnect (a reconnect would take this node's routes away from its peers).
                state = state.withPrefs(prefs);
                save();
                session.update(dev.tsj.control.api.MapUpdate.hostinfo(hostinfo(prefs)));
                applyNetMap(netMap, false);
                NetMap m = netMap;
                return new StatusView.Up(m.self().name(), addressesOf(m.self()), m.peers().size());
            }
            ControlClient next = newClient(prefs.loginServer());
            if (mustRegister) {
                // Register before touching the running session: a refused key or an
                // unreachable server must leave a connected node connected.
                try {
                    RegisterResponse r = next.register(new RegisterRequest(nodePublicKey(), req.authKey(), false, hostinfo(prefs)));
                    state = state.withRegistration(r);
                    LOG.info("registered as " + r.name() + " (" + r.addresses() + ") with " + prefs.loginServer());
                } catch (ControlException e) {
                    throw new NodeException(e.needsLogin() || e.code().name().startsWith("AUTH") ? 403 : 502, e.getMessage());
                }
            }
            closeSession();
            client = next;
            device.setPrivateKey(PrivateKey.fromBase64(state.nodeKey())); // the tailnet's key from here on
            state = state.withPrefs(prefs);
            save();
            firstMap = new CompletableFuture<>();
            waitFor = firstMap;
            try {
                openSession();
            } catch (IOException e) {
                throw new NodeException(502, e.getMessage());
            }
        }
        try {
            NetMap m = waitFor.get(req.timeoutMillis() > 0 ? req.timeoutMillis() : 30_000, TimeUnit.MILLISECONDS);
            return new StatusView.Up(m.self().name(), addressesOf(m.self()), m.peers().size());
        } catch (TimeoutException e) {
            throw new NodeException(504, "timed out waiting for the control server's netmap (" + backendDetail
                    + "); the node keeps trying in the background");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new NodeException(403, e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeException(500, "interrupted");
        }
    }

    /** Validates {@code p} and returns it with routes in canonical text. */
    private static Prefs canonical(Prefs p) throws NodeException {
        validate(p);
        List<String> routes = new ArrayList<>();
        for (String r : p.advertiseRoutes()) {
            String c = Prefix.parse(r).toString();
            if (!routes.contains(c)) {
                routes.add(c);
            }
        }
        return new Prefs(p.loginServer(), p.hostname(), routes, p.acceptRoutes(), p.advertiseTags(),
                p.snatSubnetRoutes(), p.wantRunning());
    }

    private static void validate(Prefs p) throws NodeException {
        try {
            URI u = URI.create(p.loginServer());
            if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new NodeException(400, "invalid --login-server \"" + p.loginServer() + "\": expected http://HOST:PORT");
        }
        for (String r : p.advertiseRoutes()) {
            try {
                Prefix pr = Prefix.parseCanonical(r);
                if (pr.isHost()) {
                    throw new IllegalArgumentException("\"" + r + "\" is a single host; advertise a network such as "
                            + Prefix.of(pr.address(), pr.ipv6() ? 64 : 24).masked());
                }
            } catch (IllegalArgumentException e) {
                throw new NodeException(400, "--advertise-routes: " + e.getMessage());
            }
        }
        for (String t : p.advertiseTags()) {
            if (!t.matches("tag:[A-Za-z0-9][A-Za-z0-9-]*")) {
                throw new NodeException(400, "--advertise-tags: \"" + t + "\" is not a tag (tag:NAME)");
            }
        }
    }

    private ControlClient newClient(String loginServer) throws NodeException {
        try {
            return new ControlClient(URI.create(loginServer), PrivateKey.fromBase64(state.machineKey()));
        } catch (ControlException e) {
            throw new NodeException(502, e.getMessage());
        }
    }

    private Hostinfo hostinfo(Prefs p) {
        List<IpPrefix> routes = new ArrayList<>();
        for (String r : p.advertiseRoutes()) {
            routes.add(IpPrefix.parse(r));
        }
        String name = p.hostname() != null ? p.hostname() : HostIdentity.hostname();
        return new Hostinfo(name, HostIdentity.os(), null, "tsj 0.1.0", routes, p.advertiseTags());
    }

    private void openSession() throws IOException {
        if (client == null) {
            try {
                client = newClient(state.prefs().loginServer());
            } catch (NodeException e) {
                throw new IOException(e.getMessage());
            }
        }
        backend = BackendState.Starting;
        if (paths == null) {
            paths = new dev.tsj.daemon.magic.MagicPaths(device, PrivateKey.fromBase64(state.nodeKey()),
                    eps -> pushUpdate(dev.tsj.control.api.MapUpdate.endpoints(eps)),
                    region -> pushUpdate(dev.tsj.control.api.MapUpdate.homeRelay(region)));
            device.setPathProvider(paths);
        }
        MapRequest req = new MapRequest(nodePublicKey(), paths.discoKey(),
                endpoints.endpoints(device.listenPort()), hostinfo(state.prefs()));
        session = client.openMapSession(req, new MapSession.Listener() {
            @Override
            public void onNetMap(NetMap map) {
                applyNetMap(map, true);
            }

            @Override
            public void onStateChange(MapSession.State s, String detail) {
                onSessionState(s, detail);
            }
        });
    }

    private void pushUpdate(dev.tsj.control.api.MapUpdate u) {
        MapSession s = session;
        if (s != null) {
            s.update(u);
        }
    }

    private void closePaths() {
        if (paths != null) {
            device.setPathProvider(null);
            paths.close();
            paths = null;
        }
    }

    private dev.tsj.crypto.PublicKey nodePublicKey() {
        return PrivateKey.fromBase64(state.nodeKey()).publicKey();
    }

    private void onSessionState(MapSession.State s, String detail) {
        backendDetail = detail == null ? "" : detail;
        switch (s) {
            case RECONNECTING -> LOG.warning("control server unreachable (" + detail + "); keeping the last netmap, retrying");
            case NEEDS_LOGIN -> {
                LOG.warning("control server says this node must log in again: " + detail);
                backend = BackendState.NeedsLogin;
                device.removeAllPeers();
                firstMap.completeExceptionally(new IllegalStateException(detail));
            }
            case CONNECTED -> LOG.info("connected to the control server");
            default -> { }
        }
    }

    private void applyNetMap(NetMap map, boolean fresh) {
        synchronized (lock) {
            if (fresh && (session == null || !state.prefs().wantRunning())) {
                return; // a late map after tsj down
            }
            netMap = map;
            filter = filter == null ? StatefulFilter.of(map.packetFilter()) : filter.withRules(map.packetFilter());
            device.setFilter(filter);
            resetRestartedPeers(map);
            NetmapApplier.apply(device, map, localNetworks());
            if (paths != null) {
                paths.setNetMap(map, URI.create(state.prefs().loginServer()), endpoints.endpoints(device.listenPort()));
            }
            try {
                router.apply(routerConfig(map));
            } catch (IOException e) {
                LOG.warning("configuring routes: " + e.getMessage());
            }
            backend = BackendState.Running;
            if (fresh) {
                state = state.withNetMap(map);
                save();
                firstMap.complete(map);
            }
        }
    }

    /**
     * A peer whose disco key changed has restarted: its old WireGuard session is gone on
     * its side, so end ours now rather than wait out WireGuard's 15 s of unanswered data.
     */
    private void resetRestartedPeers(NetMap map) {
        for (Node n : map.peers()) {
            if (n.nodeKey() == null || n.discoKey() == null) {
                continue;
            }
            dev.tsj.crypto.PublicKey before = discoKeys.put(n.nodeKey(), n.discoKey());
            var p = device.peer(n.nodeKey());
            if (before != null && !before.equals(n.discoKey()) && p != null) {
                LOG.info("peer " + n.name() + " restarted (new disco key): starting a fresh session");
                device.resetSession(p);
            }
        }
    }

    private Router.Config routerConfig(NetMap map) {
        List<String> addrs = new ArrayList<>();
        for (IpPrefix a : map.self().addresses()) {
            addrs.add(a.toString());
        }
        Prefs prefs = state.prefs();
        List<String> routes = new ArrayList<>(TAILNET_RANGES);
        if (prefs.acceptRoutes()) {
            // Other nodes' primary subnet routes; never our own (we reach those directly).
            for (Node peer : map.peers()) {
                for (IpPrefix r : peer.primaryRoutes()) {
                    String text = Prefix.parse(r.toString()).toString();
                    if (!prefs.advertiseRoutes().contains(text) && !routes.contains(text)) {
                        routes.add(text);
                    }
                }
            }
        }
        return new Router.Config(addrs, routes, prefs.advertiseRoutes(), prefs.snatSubnetRoutes());
    }

    private List<Prefix> localNetworks() {
        List<Prefix> out = new ArrayList<>();
        try {
            for (var ni : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                if (ni.getName().equals(interfaceName)) {
                    continue;
                }
                for (var ia : ni.getInterfaceAddresses()) {
                    out.add(Prefix.of(ia.getAddress(), ia.getNetworkPrefixLength()).masked());
                }
            }
        } catch (java.net.SocketException | RuntimeException ignored) {
            // best effort: endpoint choice falls back to the first one
        }
        return out;
    }

    private void save() {
        try {
            store.save(state);
        } catch (IOException e) {
            LOG.warning("cannot save state to " + store.describe() + ": " + e.getMessage());
        }
    }

    private void closeSession() {
        if (session != null) {
            session.close();
            session = null;
        }
    }

    /** {@code tsj down}: disconnects, removes peers and routes, keeps the registration. */
    public void down() {
        synchronized (lock) {
            closeSession();
            closePaths();
            device.removeAllPeers();
            router.close();
            netMap = null;
            backend = state.registration() == null ? BackendState.NeedsLogin : BackendState.Stopped;
            state = state.withPrefs(state.prefs().withWantRunning(false));
            save();
            LOG.info("down: disconnected from the tailnet (state kept)");
        }
    }

    /** {@code tsj logout}: tells the server, then forgets the registration and the node key. */
    public void logout() {
        synchronized (lock) {
            if (client != null && state.registration() != null) {
                try {
                    client.logout(nodePublicKey());
                } catch (ControlException e) {
                    LOG.warning("logout: the server did not confirm (" + e.getMessage() + "); forgetting the node anyway");
                }
            }
            down();
            discoKeys.clear();
            PrivateKey fresh = PrivateKey.generate();
            state = new NodeState(NodeState.CURRENT_VERSION, state.machineKey(), fresh.toBase64(), state.prefs(), null, null);
            device.setPrivateKey(null); // out of the tailnet: no key until the next tsj up
            backend = BackendState.NeedsLogin;
            save();
            LOG.info("logged out");
        }
    }

    /** Pings a peer (name or tailnet IP) through the tunnel. */
    public StatusView.Pong ping(String target, long timeoutMillis) throws NodeException {
        NetMap m = netMap;
        if (m == null) {
            throw new NodeException(409, "the node is not up (run tsj up)");
        }
        Node peer = StatusView.findPeer(m, target);
        if (peer == null) {
            throw new NodeException(404, "no peer named or addressed \"" + target + "\" in the tailnet");
        }
        boolean v6 = target.contains(":");
        IpPrefix dst = v6 ? peer.ipv6() : peer.ipv4();
        IpPrefix src = v6 ? m.self().ipv6() : m.self().ipv4();
        if (dst == null || src == null) {
            throw new NodeException(404, "peer " + peer.name() + " has no " + (v6 ? "IPv6" : "IPv4") + " address");
        }
        try {
            var p = device.peer(peer.nodeKey());
            boolean relayedBefore = p != null && device.relayed(p);
            long rtt = pinger.ping(src.address(), dst.address(), timeoutMillis);
            boolean relayed = p != null && (relayedBefore || device.relayed(p));
            java.net.InetSocketAddress direct = p == null || relayed ? null : device.directAddress(p);
            String path = pathText(p, relayed, direct);
            return new StatusView.Pong(peer.name(), dev.tsj.daemon.wg.Ipv6Text.of(dst.address()), path, direct != null, rtt / 1e6);
        } catch (TimeoutException e) {
            throw new NodeException(504, "no reply from " + peer.name() + " (" + dst.address().getHostAddress() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeException(500, "interrupted");
        }
    }

    /** "relay \"NAME\"" or the proven direct IP:port ({@code direct}, may be null), as ping shows the path. */
    private String pathText(dev.tsj.daemon.wg.Peer p, boolean relayed, java.net.InetSocketAddress direct) {
        if (p == null) {
            return "";
        }
        if (relayed) {
            var mp = paths;
            return "relay \"" + (mp == null ? "" : mp.relayName(p.publicKey())) + "\"";
        }
        return direct == null ? "" : dev.tsj.daemon.uapi.UapiProtocol.endpointText(direct);
    }

    public StatusView status() {
        var mp = paths;
        return new StatusView(backend, backendDetail, netMap, device, router.problems(),
                key -> mp == null ? "" : mp.relayName(key), tun, dataplane);
    }

    /** tsj netcheck: STUN from the WireGuard socket and relay latencies. */
    public com.fasterxml.jackson.databind.node.ObjectNode netcheck() throws NodeException {
        var mp = paths;
        if (mp == null) {
            throw new NodeException(409, "the node is not up (run tsj up): netcheck uses its socket and relays");
        }
        try {
            dev.tsj.daemon.magic.StunProber.Report r = mp.netcheck(1500);
            var o = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            o.put("UDP", r.udp());
            var mapped = o.putArray("MappedAddresses");
            r.mapped().forEach(a -> mapped.add(dev.tsj.daemon.uapi.UapiProtocol.endpointText(a)));
            o.put("MappingVariesByDestIP", r.mappingVariesByDestination());
            o.put("PreferredRelay", mp.homeRelayName());
            var lat = o.putObject("RelayLatencyMillis");
            mp.relayLatencies().forEach(lat::put);
            var stun = o.putObject("StunLatencyMillis");
            r.stunLatencyMillis().forEach(stun::put);
            // Per relay connection: what went through it and what it had to drop (not
            // connected, or its send queue full), to tell a slow relay path from a lossy one.
            var conns = o.putObject("RelayConnections");
            mp.relayConnections().forEach((name, c) -> conns.putObject(name)
                    .put("Connected", c.state() == dev.tsj.control.relay.client.RelayClient.State.CONNECTED)
                    .put("TxPackets", c.packetsSent()).put("TxBytes", c.bytesSent())
                    .put("RxPackets", c.packetsReceived()).put("RxBytes", c.bytesReceived())
                    .put("SendDrops", c.sendDrops()).put("Connects", c.connects()));
            // Disco packets thrown away on arrival: the way to see that junk aimed at the
            // node's port, or a replayed or forged ping, was counted and not acted on.
            var codec = mp.magic().codec();
            o.putObject("DiscoDrops").put("Malformed", codec.droppedMalformed.sum())
                    .put("Replayed", codec.droppedReplay.sum()).put("UnknownKey", codec.droppedUnknownKey.sum());
            return o;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeException(500, "interrupted");
        }
    }

    public NetMap netMap() {
        return netMap;
    }

    @Override
    public void close() {
        synchronized (lock) {
            closeSession();
            closePaths();
            router.close();
        }
    }

    static List<String> addressesOf(Node n) {
        List<String> out = new ArrayList<>();
        for (IpPrefix a : n.addresses()) {
            out.add(dev.tsj.daemon.wg.Ipv6Text.of(a.address()));
        }
        return out;
    }

    static InetAddress address(IpPrefix p) {
        return p.address();
    }
}
