package dev.tsj.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code tsj} command. */
@Command(name = "tsj", mixinStandardHelpOptions = true, scope = picocli.CommandLine.ScopeType.INHERIT, versionProvider = VersionCommand.Provider.class,
        description = {"tsj: a mesh VPN built on WireGuard",
                "Commands that talk to tsjd take --socket PATH, before or after the command name (tsj --socket PATH status)."},
        subcommands = {VersionCommand.class, KeyCommands.GenKey.class, KeyCommands.PubKey.class,
                KeyCommands.GenPsk.class, DemoCommand.class, DaemonCommand.class, UpCommand.class, StatusCommand.class,
                SimpleClientCommands.Down.class, SimpleClientCommands.Logout.class, SimpleClientCommands.Ip.class,
                SimpleClientCommands.Ping.class, SimpleClientCommands.Netcheck.class,
                dev.tsj.cli.control.ControlCommand.class, dev.tsj.cli.relay.RelayCommand.class,
                dev.tsj.cli.containerboot.ContainerbootCommand.class})
public final class Main implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    public static void main(String[] args) {
        dev.tsj.daemon.log.OneLineLogging.install();
        CommandLine cli = new CommandLine(new Main());
        // A user sees one line, never a stack trace (TSJ_LOG=debug shows it).
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("tsj " + cmd.getCommandName() + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            if ("debug".equalsIgnoreCase(System.getenv("TSJ_LOG"))) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        System.exit(cli.execute(socketAfterCommand(args)));
    }

    /**
     * {@code tsj --socket PATH status} as {@code tailscale --socket PATH status} takes it: a
     * leading {@code --socket} moves behind the command name, where each command declares it.
     */
    static String[] socketAfterCommand(String[] args) {
        int take;
        if (args.length >= 3 && args[0].equals("--socket")) {
            take = 2;
        } else if (args.length >= 2 && args[0].startsWith("--socket=")) {
            take = 1;
        } else {
            return args;
        }
        String[] out = new String[args.length];
        out[0] = args[take];
        System.arraycopy(args, 0, out, 1, take);
        System.arraycopy(args, take + 1, out, take + 1, args.length - take - 1);
        return out;
    }
}
