package dev.tsj.control.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tsj.control.api.ApiJson;
import dev.tsj.control.api.FilterRule;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilterJsonTest {
    @Test
    void writesWhatApiJsonWritesAndReadsBack() throws Exception {
        List<String> members = List.of("100.64.0.1", "100.64.0.3-100.64.0.9", "fd7a:115c:a1e0::1");
        List<FilterRule> a = List.of(
                new FilterRule(members, List.of(new FilterRule.PortRange("100.64.0.2", 22, 22)), List.of()),
                new FilterRule(List.of("*"), List.of(new FilterRule.PortRange("*", 0, 65535)), List.of(6, 17)));
        List<FilterRule> b = List.of(new FilterRule(members, List.of(new FilterRule.PortRange("100.64.0.5", 443, 443)),
                List.of()));
        FilterJson json = new FilterJson();
        for (List<FilterRule> f : List.of(a, b, List.<FilterRule>of())) {
            byte[] written = json.write(f);
            assertEquals(ApiJson.MAPPER.writeValueAsString(f), new String(written, StandardCharsets.UTF_8));
            assertEquals(f, List.of(ApiJson.MAPPER.readValue(written, FilterRule[].class)));
        }
    }
}
