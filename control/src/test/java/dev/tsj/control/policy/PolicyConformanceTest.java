package dev.tsj.control.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case captured from Tailscale's control plane: tsj must accept and reject the same
 * policies and send every node the same filter and peers, up to notation.
 */
class PolicyConformanceTest {

    static Stream<Arguments> cases() {
        return ConformanceCases.all().stream().map(p -> Arguments.of(p.getFileName().toString(), p));
    }

    @Test
    void allCapturedCasesArePresent() {
        assertEquals(ConformanceCases.EXPECTED_CASE_COUNT, ConformanceCases.all().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTailscale(String name, Path caseFile) {
        PolicyCaseRunner.Result result = new PolicyCaseRunner().run(caseFile);
        assertTrue(result.passed(), () -> result.caseId() + ":\n" + result.difference());
    }
}
