package dev.tsj.control.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tsj.control.api.FilterRule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A packet filter reduced to what it means, for comparing two filters written differently:
 * sources as address sets (so a /32 equals a bare address, and a range equals the CIDRs that
 * cover it), protocols with the default spelled out, destinations as address sets per port
 * range, and rules with the same sources and protocols merged, since order and grouping of
 * rules, sources and destinations carry no meaning.
 */
public final class NormalisedFilter {

    /** One rule in canonical form. */
    public record Rule(IpSet sources, Set<Integer> protocols, Map<PortRange, IpSet> destinations) {
        @Override
        public String toString() {
            String dst = destinations.entrySet().stream()
                    .map(e -> e.getValue() + " port " + ports(e.getKey())).collect(Collectors.joining("; "));
            return "from " + sources + " proto " + new TreeSet<>(protocols) + " to " + dst;
        }

        private static String ports(PortRange p) {
            return p.first() == p.last() ? String.valueOf(p.first()) : p.first() + "-" + p.last();
        }
    }

    private final Set<Rule> rules;

    private NormalisedFilter(Set<Rule> rules) {
        this.rules = Set.copyOf(rules);
    }

    public Set<Rule> rules() {
        return rules;
    }

    public static NormalisedFilter of(List<FilterRule> filter) {
        List<Rule> raw = new ArrayList<>();
        for (FilterRule r : filter) {
            IpSet src = IpSet.EMPTY;
            for (String s : r.srcIps()) {
                src = src.union(wire(s));
            }
            Map<PortRange, IpSet> dst = new HashMap<>();
            for (FilterRule.PortRange d : r.dstPorts()) {
                dst.merge(new PortRange(d.first(), d.last()), wire(d.ip()), IpSet::union);
            }
            raw.add(new Rule(src, new HashSet<>(IpProtocols.effective(r)), dst));
        }
        return merge(raw);
    }

    /** Reads rules in the wire JSON form the captures use. */
    public static NormalisedFilter ofWireJson(JsonNode rules) {
        List<FilterRule> filter = new ArrayList<>();
        for (JsonNode r : rules) {
            List<String> src = new ArrayList<>();
            r.path("SrcIPs").forEach(s -> src.add(s.asText()));
            List<FilterRule.PortRange> dst = new ArrayList<>();
            for (JsonNode d : r.path("DstPorts")) {
                JsonNode p = d.path("Ports");
                dst.add(new FilterRule.PortRange(d.path("IP").asText(), p.path("First").asInt(), p.path("Last").asInt()));
            }
            List<Integer> proto = new ArrayList<>();
            r.path("IPProto").forEach(x -> proto.add(x.asInt()));
            filter.add(new FilterRule(src, dst, proto));
        }
        return of(filter);
    }

    private static NormalisedFilter merge(List<Rule> raw) {
        Map<List<Object>, Map<PortRange, IpSet>> byKey = new HashMap<>();
        Map<List<Object>, Rule> first = new HashMap<>();
        for (Rule r : raw) {
            List<Object> key = List.of(r.sources(), r.protocols());
            first.putIfAbsent(key, r);
            Map<PortRange, IpSet> into = byKey.computeIfAbsent(key, k -> new TreeMap<>(
                    Comparator.comparingInt(PortRange::first).thenComparingInt(PortRange::last)));
            r.destinations().forEach((p, s) -> into.merge(p, s, IpSet::union));
        }
        Set<Rule> out = new HashSet<>();
        byKey.forEach((key, dst) -> out.add(new Rule(first.get(key).sources(), first.get(key).protocols(), Map.copyOf(dst))));
        return new NormalisedFilter(out);
    }

    private static IpSet wire(String text) {
        return IpSet.parseWire(text).orElseThrow(() -> new IllegalArgumentException("not an address: \"" + text + "\""));
    }

    /** The differences, one line each ("missing" = only in expected), or an empty list. */
    public List<String> differencesFrom(NormalisedFilter expected) {
        List<String> out = new ArrayList<>();
        for (Rule r : expected.rules) {
            if (!rules.contains(r)) {
                out.add("missing rule " + r);
            }
        }
        for (Rule r : rules) {
            if (!expected.rules.contains(r)) {
                out.add("unexpected rule " + r);
            }
        }
        out.sort(null);
        return out;
    }
}
