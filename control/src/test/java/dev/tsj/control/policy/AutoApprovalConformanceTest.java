package dev.tsj.control.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The route captures were taken with every advertised route left to autoApprovers, so the
 * routes Tailscale recorded as approved are exactly what the policy's autoApprovers approve.
 * The acl captures cannot serve: their topologies record some routes as unapproved that the
 * control plane then approved and served (acl-mu07: squirtle's 10.33.0.0/16).
 */
class AutoApprovalConformanceTest {

    static Stream<Arguments> routeCases() {
        return ConformanceCases.all().stream()
                .filter(p -> p.getParent().getFileName().toString().equals("routes"))
                .map(p -> Arguments.of(p.getFileName().toString(), p));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routeCases")
    void approvesWhatTailscaleApproved(String name, Path file) throws IOException, PolicyException {
        PolicyCase c = PolicyCase.read(file);
        Policy policy = PolicyParser.parse(c.policyText());
        for (TopologyNode node : c.topology().nodes()) {
            Set<IpPrefix> recorded = new HashSet<>(node.approvedRoutes());
            Set<IpPrefix> approved = new HashSet<>(AutoApproval.approvedRoutes(policy, c.topology(), node));
            assertEquals(recorded, approved, node.hostname() + " advertising " + node.advertisedRoutes());
        }
    }
}
