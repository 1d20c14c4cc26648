package dev.tsj.control.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ten policies Tailscale refused are refused for the reason their captures were built to
 * show (the case names say it: a tag nobody owns, autogroup:self misused, an action other than
 * accept), not by accident.
 */
class RejectedCasesTest {

    static Stream<Arguments> rejected() {
        return Stream.of(
                Arguments.of("acl-err01", "acls[0].src: tag \"tag:nonexistent\" has no owner in tagOwners"),
                Arguments.of("acl-err02", "acls[0].src: autogroup:self can only be used as a destination"),
                Arguments.of("acl-err03", "acls[0].dst: \"autogroup:self\" has no port"),
                Arguments.of("acl-err04", "acls[0].src: tag \"tag:nonexistent\" has no owner in tagOwners"),
                Arguments.of("acl-err05", "acls[0].dst: tag \"tag:nonexistent\" has no owner in tagOwners"),
                Arguments.of("acl-err06", "acls[0].action: \"deny\" is not a valid action"),
                Arguments.of("acl-err08", "acls[1].src: \"tag:client\" cannot reach autogroup:self"),
                Arguments.of("acl-s06", "acls[0].src: \"webserver\" cannot reach autogroup:self"),
                Arguments.of("acl-sf03", "acls[0].src: \"tag:client\" cannot reach autogroup:self"),
                Arguments.of("acl-sf05", "acls[0].src: \"100.90.199.68\" cannot reach autogroup:self"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void refusedForTheRightReason(String caseId, String reason) {
        PolicyCaseRunner.Result r = new PolicyCaseRunner().run(ConformanceCases.root().resolve("acl/" + caseId + ".json"));
        assertEquals(PolicyCaseRunner.Verdict.PASS, r.verdict(), r.difference());
        assertTrue(r.rejection().startsWith("policy: line 1, column ") && r.rejection().contains(reason), r.rejection());
    }

    @Test
    void theseAreAllTheCasesTailscaleRejected() throws Exception {
        List<String> refused = new ArrayList<>();
        for (Path p : ConformanceCases.all()) {
            PolicyCase c = PolicyCase.read(p);
            if (!c.controlAcceptsPolicy()) {
                refused.add(c.id());
            }
        }
        assertEquals(rejected().map(a -> (String) a.get()[0]).toList(), refused);
    }
}
