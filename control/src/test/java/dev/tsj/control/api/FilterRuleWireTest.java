package dev.tsj.control.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one filter-rule type, as it travels in a map: the policy compiler produces it and the
 * node's filter reads it back through {@link ApiJson}, so its JSON must stay what both read.
 */
class FilterRuleWireTest {

    @Test
    void serialisesInTheProtocolsFieldNames() throws JsonProcessingException {
        FilterRule rule = new FilterRule(List.of("100.64.0.1", "10.0.0.0-10.0.0.9"),
                List.of(new FilterRule.PortRange("*", 22, 22)), List.of());
        assertEquals("{\"srcIps\":[\"100.64.0.1\",\"10.0.0.0-10.0.0.9\"],\"dstPorts\":[{\"ip\":\"*\",\"first\":22,\"last\":22}],"
                + "\"ipProto\":[]}", ApiJson.MAPPER.writeValueAsString(rule));
    }

    @Test
    void roundTripsAndReadsAbsentListsAsEmpty() throws JsonProcessingException {
        FilterRule rule = new FilterRule(List.of("10.0.0.0/8"), List.of(new FilterRule.PortRange("100.64.0.2", 0, 65535)),
                List.of(6));
        assertEquals(rule, ApiJson.MAPPER.readValue(ApiJson.MAPPER.writeValueAsString(rule), FilterRule.class));
        assertEquals(new FilterRule(List.of("*"), List.of(), List.of()),
                ApiJson.MAPPER.readValue("{\"srcIps\":[\"*\"]}", FilterRule.class));
    }
}
