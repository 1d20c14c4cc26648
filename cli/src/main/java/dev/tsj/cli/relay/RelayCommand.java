package dev.tsj.cli.relay;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tsj relay ...}: a standalone relay and the relay counters. */
@Command(name = "relay", description = "Run a standalone relay (with STUN), or show relay counters",
        subcommands = {RelayServeCommand.class, RelayStatsCommand.class})
public final class RelayCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** A command line rooted at {@code relay}, for tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new RelayCommand());
    }
}
