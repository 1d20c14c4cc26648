package dev.tsj.daemon.node;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tsj.control.api.IpPrefix;
import dev.tsj.control.api.NetMap;
import dev.tsj.control.api.Node;
import dev.tsj.daemon.uapi.UapiProtocol;
import dev.tsj.daemon.wg.Device;
import dev.tsj.daemon.wg.Ipv6Text;
import dev.tsj.daemon.wg.Prefix;
import dev.tsj.daemon.wg.Peer;
import java.time.Instant;
import java.util.List;

/**
 * The node as {@code tsj status} shows it, in the shape of {@code tailscale status --json}:
 * {@code BackendState}, {@code TUN} (false in userspace mode; {@code Dataplane} says more), {@code Self}, and {@code Peer} keyed by node key, each with
 * {@code PublicKey}, {@code HostName}, {@code DNSName}, {@code TailscaleIPs},
 * {@code AllowedIPs}, {@code PrimaryRoutes}, {@code CurAddr}, {@code Relay},
 * {@code RxBytes}, {@code TxBytes}, {@code LastHandshake}, {@code Online},
 * {@code KeyExpiry}.
 */
public final class StatusView {
    /** Tailscale writes this for "never". */
    static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    /** What {@code tsj up} reports. */
    public record Up(String name, List<String> addresses, int peers) {}

    /** One answered ping. */
    public record Pong(String peer, String ip, String via, boolean direct, double millis) {}

    private final TailnetNode.BackendState backend;
    private final String detail;
    private final NetMap map;
    private final Device device;
    private final List<String> problems;
    private final java.util.function.Function<dev.tsj.crypto.PublicKey, String> relayName;
    private final boolean tun;
    private final String dataplane;

    StatusView(TailnetNode.BackendState backend, String detail, NetMap map, Device device, List<String> problems,
               java.util.function.Function<dev.tsj.crypto.PublicKey, String> relayName, boolean tun, String dataplane) {
        this.relayName = relayName;
        this.tun = tun;
        this.dataplane = dataplane;
        this.backend = backend;
        this.detail = detail;
        this.map = map;
        this.device = device;
        this.problems = problems;
    }

    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("Version", "0.1.0");
        root.put("BackendState", backend.name());
        root.put("TUN", tun);
        root.put("Dataplane", dataplane);
        root.put("FilterDroppedPackets", device.counters().droppedByFilter());
        ArrayNode health = root.putArray("Health");
        if (!detail.isEmpty() && backend != TailnetNode.BackendState.Running) {
            health.add(detail);
        }
        problems.forEach(health::add);
        ArrayNode ips = root.putArray("TailscaleIPs");
        if (map == null) {
            root.putNull("Self");
            root.putObject("Peer");
            return root;
        }
        for (IpPrefix a : map.self().addresses()) {
            ips.add(Ipv6Text.of(a.address()));
        }
        ObjectNode self = node(f, map.self(), null);
        self.put("Online", true);
        root.set("Self", self);
        ObjectNode peers = root.putObject("Peer");
        for (Node n : map.peers()) {
            Peer p = device.peer(n.nodeKey());
            ObjectNode o = node(f, n, p);
            // CurAddr only for a path a disco pong proved: packets sent to an endpoint the
            // netmap merely lists (no relay up) may well be lost, so that is no "direct".
            if (p != null && device.relayed(p)) {
                o.put("Relay", relayName.apply(n.nodeKey()));
            } else if (p != null && device.directAddress(p) != null) {
                o.put("CurAddr", UapiProtocol.endpointText(device.directAddress(p)));
            }
            peers.set(nodeKeyText(n), o);
        }
        String suffix = map.self().dnsName() != null && map.self().dnsName().contains(".")
                ? map.self().dnsName().substring(map.self().dnsName().indexOf('.') + 1) : "";
        root.putObject("CurrentTailnet").put("MagicDNSSuffix", suffix);
        return root;
    }

    /** Tailscale's key notation: "nodekey:" and the key in hex. */
    static String nodeKeyText(Node n) {
        return "nodekey:" + n.nodeKey().toHex();
    }

    private static ObjectNode node(JsonNodeFactory f, Node n, Peer p) {
        ObjectNode o = f.objectNode();
        o.put("ID", n.stableId());
        o.put("PublicKey", nodeKeyText(n));
        o.put("HostName", n.name());
        o.put("DNSName", n.dnsName() == null ? "" : n.dnsName() + ".");
        o.put("OS", n.hostinfo() == null || n.hostinfo().os() == null ? "" : n.hostinfo().os());
        o.put("User", n.user());
        ArrayNode tags = o.putArray("Tags");
        n.tags().forEach(tags::add);
        ArrayNode ips = o.putArray("TailscaleIPs");
        n.addresses().forEach(a -> ips.add(Ipv6Text.of(a.address())));
        ArrayNode allowed = o.putArray("AllowedIPs");
        n.allowedIps().forEach(a -> allowed.add(Prefix.parse(a.toString()).toString()));
        ArrayNode primary = o.putArray("PrimaryRoutes");
        n.primaryRoutes().forEach(a -> primary.add(Prefix.parse(a.toString()).toString()));
        o.put("CurAddr", "");
        o.put("Relay", "");
        o.put("RxBytes", p == null ? 0 : p.rxBytes());
        o.put("TxBytes", p == null ? 0 : p.txBytes());
        Instant hs = p == null ? null : p.lastHandshake();
        o.put("LastHandshake", hs == null ? ZERO_TIME : hs.toString());
        o.put("Online", n.online());
        o.put("KeyExpiry", n.keyExpiry() == null ? ZERO_TIME : n.keyExpiry().toString());
        o.put("Expired", n.expired());
        return o;
    }

    /** A peer by host name, DNS name, or tailnet IP. */
    static Node findPeer(NetMap m, String target) {
        String t = target.endsWith(".") ? target.substring(0, target.length() - 1) : target;
        for (Node n : m.peers()) {
            if (t.equalsIgnoreCase(n.name()) || t.equalsIgnoreCase(n.dnsName())) {
                return n;
            }
            for (IpPrefix a : n.addresses()) {
                if (a.address().getHostAddress().equals(t) || Ipv6Text.of(a.address()).equals(t)) {
                    return n;
                }
            }
        }
        return null;
    }
}
