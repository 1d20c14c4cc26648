package dev.tsj.control.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tsj.control.api.ApiJson;
import dev.tsj.control.api.IpPrefix;
import dev.tsj.control.api.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One version of one node as the map shows it, already serialised: built once per change
 * and shared by every session that sends it, so a change costs one serialisation however
 * many sessions carry it. Under a policy a viewer may get only some of a router's routes in
 * its AllowedIPs; each such variant is serialised once, on first use, and shared too.
 */
public final class PeerView {
    private final long nodeId;
    private final Node node;
    private final byte[] json;
    /** The routes in AllowedIPs beyond the node's own addresses: primary subnet routes, then exit routes. */
    private final List<IpPrefix> routes;
    private final ConcurrentHashMap<List<IpPrefix>, byte[]> variants = new ConcurrentHashMap<>();

    PeerView(Node node) {
        this.nodeId = node.id();
        this.node = node;
        this.json = serialise(node);
        this.routes = node.allowedIps().stream().filter(p -> !node.addresses().contains(p)).toList();
    }

    public long nodeId() {
        return nodeId;
    }

    /** The node as everyone sees it without a policy, and as it sees itself. */
    public byte[] json() {
        return json;
    }

    /** The node as {@code viewer} sees it. */
    public byte[] jsonFor(ViewerAccess viewer) {
        if (routes.isEmpty() || viewer.isAll()) {
            return json;
        }
        Set<IpPrefix> granted = viewer.routesOf(nodeId);
        List<IpPrefix> shown = routes.stream().filter(granted::contains).toList();
        if (shown.size() == routes.size()) {
            return json;
        }
        return variants.computeIfAbsent(shown, this::variant);
    }

    private byte[] variant(List<IpPrefix> shown) {
        List<IpPrefix> allowed = new ArrayList<>(node.addresses());
        allowed.addAll(shown);
        List<IpPrefix> primary = node.primaryRoutes().stream().filter(shown::contains).toList();
        Node n = node;
        return serialise(new Node(n.id(), n.stableId(), n.name(), n.dnsName(), n.user(), n.tags(), n.nodeKey(),
                n.machineKey(), n.discoKey(), n.addresses(), allowed, primary, n.endpoints(), n.online(), n.lastSeen(),
                n.keyExpiry(), n.expired(), n.hostinfo()));
    }

    static byte[] serialise(Object o) {
        try {
            return ApiJson.MAPPER.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
