package dev.tsj.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code tsj} command. */
@Command(name = "tsj", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "tsj: a mesh VPN built on WireGuard",
        subcommands = {VersionCommand.class})
public final class Main implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
