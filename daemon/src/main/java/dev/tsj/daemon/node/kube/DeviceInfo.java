package dev.tsj.daemon.node.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tsj.control.api.IpPrefix;
import dev.tsj.control.api.Node;
import dev.tsj.control.api.RegisterResponse;
import dev.tsj.daemon.node.NodeState;
import dev.tsj.daemon.wg.Ipv6Text;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's tailnet identity as other tools read it from the state Secret, under the
 * keys Tailscale's containerboot writes: {@code device_id} (the stable node id),
 * {@code device_fqdn} (its MagicDNS name) and {@code device_ips} (a JSON list). Absent
 * while the node is not registered.
 */
final class DeviceInfo {
    static final String ID = "device_id";
    static final String FQDN = "device_fqdn";
    static final String IPS = "device_ips";
    static final List<String> KEYS = List.of(ID, FQDN, IPS);

    private DeviceInfo() {}

    /** The keys and plain-text values for {@code s}: the latest netmap's view of self wins over registration's. */
    static Map<String, String> of(NodeState s) {
        Map<String, String> out = new LinkedHashMap<>();
        RegisterResponse reg = s.registration();
        if (reg == null) {
            return out;
        }
        Node self = s.lastNetMap() != null ? s.lastNetMap().self() : null;
        List<IpPrefix> addrs = self != null ? self.addresses() : reg.addresses();
        String fqdn = self != null && self.dnsName() != null ? self.dnsName() : reg.dnsName();
        List<String> ips = new ArrayList<>();
        for (IpPrefix a : addrs) {
            ips.add(Ipv6Text.of(a.address()));
        }
        if (reg.stableId() != null) {
            out.put(ID, reg.stableId());
        }
        if (fqdn != null) {
            out.put(FQDN, fqdn);
        }
        try {
            out.put(IPS, KubeJson.MAPPER.writeValueAsString(ips));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
