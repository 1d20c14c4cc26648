package dev.tsj.control.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A packet filter rule in Tailscale's wire form (tailcfg.FilterRule): traffic from any of
 * {@code SrcIPs} to any of {@code DstPorts} is accepted. An empty {@code IPProto} means the
 * default protocols (TCP, UDP, ICMP, ICMPv6) and is left out of the JSON, as Tailscale does.
 */
public record FilterRule(@JsonProperty("SrcIPs") List<String> srcIps,
                         @JsonProperty("DstPorts") List<NetPortRange> dstPorts,
                         @JsonProperty("IPProto") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Integer> ipProto) {
    public FilterRule {
        srcIps = List.copyOf(srcIps);
        dstPorts = List.copyOf(dstPorts);
        ipProto = List.copyOf(ipProto);
    }

    /** The protocols this rule allows, with the default spelled out. */
    public List<Integer> effectiveProtocols() {
        return ipProto.isEmpty() ? IpProtocols.DEFAULT : ipProto;
    }
}
