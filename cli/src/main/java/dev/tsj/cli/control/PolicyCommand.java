package dev.tsj.cli.control;

import dev.tsj.control.admin.AdminException;
import dev.tsj.control.admin.PolicyInfo;
import dev.tsj.control.policy.Policy;
import dev.tsj.control.policy.PolicyCaseRunner;
import dev.tsj.control.policy.PolicyException;
import dev.tsj.control.policy.PolicyParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tsj control policy get|set|check|test}: the tailnet policy, in Tailscale's format. */
@Command(name = "policy", description = "Show, replace, validate or test the tailnet policy (Tailscale's HuJSON format)",
        subcommands = {PolicyCommand.Get.class, PolicyCommand.Set.class, PolicyCommand.Check.class,
            PolicyCommand.Test.class})
final class PolicyCommand {
    private PolicyCommand() {}

    /** The policy file's text; a refusal names the file. */
    static String read(Path file) throws AdminException {
        try {
            if (Files.size(file) > PolicyParser.MAX_BYTES) {
                throw new AdminException(file + ": larger than " + PolicyParser.MAX_BYTES + " bytes");
            }
            return Files.readString(file);
        } catch (CharacterCodingException e) {
            throw new AdminException(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new AdminException("cannot read " + file + ": " + (e.getMessage() == null ? e : e.getMessage()));
        }
    }

    /** {@code policy: line 3, column 5: ...} as {@code FILE: line 3, column 5: ...}. */
    static String inFile(Path file, String policyMessage) {
        String prefix = "policy: ";
        return file + ": " + (policyMessage.startsWith(prefix) ? policyMessage.substring(prefix.length()) : policyMessage);
    }

    /** Validates a policy here, without a server; the refusal names the file, line and column. */
    static Policy parse(Path file, String text) throws AdminException {
        try {
            return PolicyParser.parse(text);
        } catch (PolicyException e) {
            throw new AdminException(inFile(file, e.getMessage()));
        }
    }

    @Command(name = "get", description = "Print the policy in force, as it was written")
    static final class Get extends AdminCall {
        @Mixin AdminOptions opts;

        @Override
        void run(PrintWriter out) throws AdminException {
            PolicyInfo p = opts.client().policy();
            if (opts.json) {
                AdminOptions.printJson(out, p);
            } else if (p.text() == null) {
                spec.commandLine().getErr().println("no policy is set: every node may reach every other node");
                spec.commandLine().getErr().flush();
            } else {
                out.print(p.text().endsWith("\n") ? p.text() : p.text() + "\n");
                out.flush();
            }
        }
    }

    @Command(name = "set", description = "Validate a policy and put it in force at once; a refused one changes nothing")
    static final class Set extends AdminCall {
        @Mixin AdminOptions opts;
        @Parameters(paramLabel = "FILE", description = "The policy (HuJSON: comments and trailing commas allowed)")
        Path file;

        @Override
        void run(PrintWriter out) throws AdminException {
            String text = read(file);
            PolicyInfo p;
            try {
                p = opts.client().setPolicy(text);
            } catch (AdminException e) {
                throw new AdminException(e.getMessage().startsWith("policy: ") ? inFile(file, e.getMessage()) : e.getMessage());
            }
            if (opts.json) {
                AdminOptions.printJson(out, p);
                return;
            }
            out.println("policy set: " + p.rules() + (p.rules() == 1 ? " rule" : " rules"));
            for (String r : p.autoApproved()) {
                out.println("route approved by autoApprovers: " + r);
            }
            out.flush();
        }
    }

    @Command(name = "check", description = "Validate a policy file without applying it (needs no server)")
    static final class Check extends AdminCall {
        @Parameters(paramLabel = "FILE") Path file;

        @Override
        void run(PrintWriter out) throws AdminException {
            Policy p = parse(file, read(file));
            out.println(file + ": ok (" + p.acls().size() + (p.acls().size() == 1 ? " rule" : " rules") + ")");
            out.flush();
        }
    }

    @Command(name = "test", description = "Evaluate conformance cases (Tailscale's captured answers) against tsj's compiler")
    static final class Test implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(arity = "1..*", paramLabel = "CASE.json") List<Path> cases;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PolicyCaseRunner runner = new PolicyCaseRunner();
            int failed = 0;
            for (Path c : cases) {
                PolicyCaseRunner.Result r = runner.run(c);
                out.println((r.passed() ? "PASS " : "FAIL ") + r.caseId());
                if (!r.passed()) {
                    failed++;
                    r.difference().lines().forEach(l -> out.println("  " + l));
                } else if (!r.rejection().isEmpty()) {
                    out.println("  refused, as Tailscale refused it: " + r.rejection());
                }
            }
            if (cases.size() > 1) {
                out.println((cases.size() - failed) + " passed, " + failed + " failed");
            }
            out.flush();
            return failed == 0 ? 0 : 1;
        }
    }
}
