package dev.tsj.cli.control;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tsj control ...}: the coordination server and its admin commands. */
@Command(name = "control", description = "Run and administer the coordination server",
        subcommands = {ServeCommand.class, UsersCommand.class, AuthKeysCommand.class, NodesCommand.class,
            RoutesCommand.class, PolicyCommand.class})
public final class ControlCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** A command line rooted at {@code control}, with the usual picocli settings. */
    public static CommandLine commandLine() {
        return new CommandLine(new ControlCommand());
    }
}
