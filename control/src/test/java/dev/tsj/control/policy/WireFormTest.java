package dev.tsj.control.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The records the server streams to nodes serialise to Tailscale's field names. */
class WireFormTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void filterRuleUsesTailcfgNamesAndOmitsTheDefaultProtocols() throws JsonProcessingException {
        FilterRule rule = new FilterRule(List.of("100.64.0.1"), List.of(new NetPortRange("*", new PortRange(22, 22))), List.of());
        assertEquals("{\"SrcIPs\":[\"100.64.0.1\"],\"DstPorts\":[{\"IP\":\"*\",\"Ports\":{\"First\":22,\"Last\":22}}]}",
                json.writeValueAsString(rule));
        FilterRule udp = new FilterRule(List.of("*"), List.of(), List.of(IpProtocols.UDP));
        assertEquals("{\"SrcIPs\":[\"*\"],\"DstPorts\":[],\"IPProto\":[17]}", json.writeValueAsString(udp));
    }

    @Test
    void roundTrips() throws JsonProcessingException {
        FilterRule rule = new FilterRule(List.of("10.0.0.0/8"), List.of(new NetPortRange("100.64.0.2", PortRange.ALL)), List.of(6));
        assertEquals(rule, json.readValue(json.writeValueAsString(rule), FilterRule.class));
    }
}
