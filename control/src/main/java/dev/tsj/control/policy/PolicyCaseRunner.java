package dev.tsj.control.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Runs one conformance case ({@code tsj control policy test CASE.json}): parses the policy,
 * compiles it against the case's topology and compares, node by node, the packet filter and
 * the visible peers with what Tailscale's control plane sent. A policy Tailscale rejected must
 * be rejected; the tailnet then keeps its previous policy, which in these captures is
 * Tailscale's default allow-all policy, and the nodes must receive what that one gives.
 */
public final class PolicyCaseRunner {

    public enum Verdict { PASS, FAIL }

    /**
     * The outcome of one case; {@code difference} is empty on PASS, else readable lines.
     * {@code rejection} is tsj's error message when tsj refused the policy, else empty.
     */
    public record Result(String caseId, Verdict verdict, String difference, String rejection) {
        Result(String caseId, Verdict verdict, String difference) {
            this(caseId, verdict, difference, "");
        }

        public boolean passed() {
            return verdict == Verdict.PASS;
        }
    }

    /** The policy a tailnet has until its administrator writes one. */
    public static final String DEFAULT_POLICY = "{\"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"*:*\"]}]}";

    public Result run(Path caseJson) {
        PolicyCase c;
        try {
            c = PolicyCase.read(caseJson);
        } catch (IOException | RuntimeException e) {
            return new Result(caseJson.getFileName().toString(), Verdict.FAIL, "cannot read the case: " + e.getMessage());
        }
        List<String> diff = new ArrayList<>();
        Policy effective;
        String rejection = "";
        try {
            Policy parsed = PolicyParser.parse(c.policyText());
            if (!c.controlAcceptsPolicy()) {
                return new Result(c.id(), Verdict.FAIL, "Tailscale rejected this policy, tsj accepted it");
            }
            effective = parsed;
        } catch (PolicyException e) {
            if (c.controlAcceptsPolicy()) {
                return new Result(c.id(), Verdict.FAIL, "Tailscale accepted this policy, tsj rejected it: " + e.getMessage(),
                        e.getMessage());
            }
            rejection = e.getMessage();
            try {
                effective = PolicyParser.parse(DEFAULT_POLICY);
            } catch (PolicyException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        // The captured approvals predate the policy; the control plane applies its autoApprovers
        // to the routes nodes advertise, so the effective topology includes what they approve.
        CompiledPolicy compiled = PolicyCompiler.compile(effective, c.topology().withAutoApprovedRoutes(effective));
        Map<String, JsonNode> expectedByNode = new TreeMap<>();
        c.expected().properties().forEach(e -> expectedByNode.put(e.getKey(), e.getValue()));
        for (Map.Entry<String, JsonNode> e : expectedByNode.entrySet()) {
            Long id = c.nodeIds().get(e.getKey());
            if (id == null) {
                diff.add(e.getKey() + ": node is not in the topology");
                continue;
            }
            NodePolicy got = compiled.forNode(id).orElseThrow();
            for (String d : NormalisedFilter.of(got.packetFilter())
                    .differencesFrom(NormalisedFilter.ofWireJson(e.getValue().path("packet_filter_rules")))) {
                diff.add(e.getKey() + ": " + d);
            }
            for (String d : peerDifferences(got.peers(), e.getValue().path("peers"))) {
                diff.add(e.getKey() + ": " + d);
            }
        }
        return diff.isEmpty() ? new Result(c.id(), Verdict.PASS, "", rejection)
                : new Result(c.id(), Verdict.FAIL, String.join("\n", diff), rejection);
    }

    private record PeerShape(TreeSet<String> allowedIps, TreeSet<String> primaryRoutes) {}

    private static List<String> peerDifferences(List<PeerEntry> got, JsonNode expected) {
        Map<String, PeerShape> want = new TreeMap<>();
        for (JsonNode p : expected) {
            want.put(p.path("hostname").asText(), new PeerShape(prefixes(p.path("AllowedIPs")), prefixes(p.path("PrimaryRoutes"))));
        }
        Map<String, PeerShape> have = new TreeMap<>();
        for (PeerEntry p : got) {
            have.put(p.hostname(), new PeerShape(canonical(p.allowedIps()), canonical(p.primaryRoutes())));
        }
        List<String> out = new ArrayList<>();
        want.forEach((name, shape) -> {
            PeerShape h = have.get(name);
            if (h == null) {
                out.add("missing peer " + name);
            } else {
                if (!h.allowedIps().equals(shape.allowedIps())) {
                    out.add("peer " + name + " AllowedIPs " + h.allowedIps() + ", expected " + shape.allowedIps());
                }
                if (!h.primaryRoutes().equals(shape.primaryRoutes())) {
                    out.add("peer " + name + " PrimaryRoutes " + h.primaryRoutes() + ", expected " + shape.primaryRoutes());
                }
            }
        });
        have.keySet().stream().filter(n -> !want.containsKey(n)).forEach(n -> out.add("unexpected peer " + n));
        return out;
    }

    private static TreeSet<String> prefixes(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(v -> texts.add(v.asText()));
        return canonical(texts);
    }

    /** Routes as canonical CIDR text, a bare address becoming its /32 or /128. */
    private static TreeSet<String> canonical(List<String> texts) {
        TreeSet<String> out = new TreeSet<>();
        for (String t : texts) {
            Optional<IpPrefix> p = IpPrefix.parse(t).or(() -> IpAddress.parse(t).map(IpPrefix::host));
            out.add(p.map(IpPrefix::toString).orElse("unparseable:" + t));
        }
        return out;
    }
}
