package dev.tsj.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code tsj --socket PATH CMD}, Tailscale's order, reaches the command's own --socket. */
class GlobalSocketOptionTest {

    private static Path socketSeenBy(String... args) {
        CommandLine cli = new CommandLine(new Main());
        CommandLine.ParseResult r = cli.parseArgs(Main.socketAfterCommand(args));
        ClientCommand cmd = (ClientCommand) r.subcommand().commandSpec().userObject();
        return cmd.socket.socket;
    }

    @Test
    void aLeadingSocketGoesToTheCommand() {
        assertEquals(Path.of("/tmp/a.sock"), socketSeenBy("--socket", "/tmp/a.sock", "status", "--json"));
        assertEquals(Path.of("/tmp/b.sock"), socketSeenBy("--socket=/tmp/b.sock", "ip", "-4"));
    }

    @Test
    void theCommandsOwnPlaceStillWorksAndTheDefaultStays() {
        assertEquals(Path.of("/tmp/c.sock"), socketSeenBy("status", "--socket", "/tmp/c.sock"));
        assertEquals(Path.of("/var/run/tsj/tsjd.sock"), socketSeenBy("status"));
    }

    @Test
    void aCommandWithoutSocketRefusesIt() {
        assertThrows(CommandLine.UnmatchedArgumentException.class,
                () -> new CommandLine(new Main()).parseArgs(Main.socketAfterCommand(new String[] {"--socket", "/x", "genkey"})));
    }

    @Test
    void otherArgumentsAreUntouched() {
        assertEquals(List.of("status"), List.of(Main.socketAfterCommand(new String[] {"status"})));
        assertEquals(List.of("--socket", "/x"), List.of(Main.socketAfterCommand(new String[] {"--socket", "/x"})));
    }
}
