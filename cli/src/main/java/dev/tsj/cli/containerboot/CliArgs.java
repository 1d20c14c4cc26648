package dev.tsj.cli.containerboot;

import dev.tsj.cli.Main;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * The extra arguments checked by the same parser that will take them, before anything
 * starts: an unknown flag in TSJ_EXTRA_ARGS is one line at once, not a usage screen after
 * the daemon came up.
 */
final class CliArgs {
    private CliArgs() {}

    /** The tsj command tree, printing failures as one line. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("tsj " + e.getCommandLine().getCommandName() + ": " + e.getMessage());
            return 2;
        });
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("tsj " + cmd.getCommandName() + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return 1;
        });
        return cl;
    }

    static void check(BootConfig c) throws BootConfigException {
        parse(BootEnv.EXTRA_ARGS, "up", c.upArgs());
        parse(BootEnv.DAEMON_EXTRA_ARGS, "daemon", c.daemonArgs());
    }

    private static void parse(String env, String command, List<String> args) throws BootConfigException {
        if (args.isEmpty()) {
            return;
        }
        List<String> all = new ArrayList<>();
        all.add(command);
        all.addAll(args);
        try {
            new CommandLine(new Main()).parseArgs(all.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new BootConfigException(env + ": " + e.getMessage().replace('\n', ' '));
        }
    }
}
