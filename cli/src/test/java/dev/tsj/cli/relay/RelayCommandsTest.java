package dev.tsj.cli.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.control.EventLog;
import dev.tsj.control.core.TailnetConfig;
import dev.tsj.control.relay.Admission;
import dev.tsj.control.relay.RelayServerConfig;
import dev.tsj.control.relay.StandaloneRelay;
import dev.tsj.control.server.ControlServer;
import dev.tsj.control.server.ServerConfig;
import dev.tsj.crypto.PrivateKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tsj relay stats} and {@code tsj relay serve}'s refusals, as a user runs them. */
class RelayCommandsTest {
    @TempDir
    Path dir;

    record Result(int status, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = RelayCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int status = cli.execute(args);
        return new Result(status, out.toString(), err.toString());
    }

    @Test
    void statsOfTheEmbeddedRelayThroughTheAdminSocket() throws Exception {
        try (ControlServer s = ControlServer.start(new ServerConfig(new InetSocketAddress("127.0.0.1", 0), dir, null,
                TailnetConfig.defaults()), EventLog.silent())) {
            assertEquals("default", s.relay().config().name());
            Result r = run("stats", "--state-dir", dir.toString());
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().contains("relay                     default"), r.out());
            assertTrue(r.out().contains("packets relayed           0"), r.out());
            Result j = run("stats", "--state-dir", dir.toString(), "--json");
            assertTrue(j.out().contains("\"bytesRelayed\" : 0"), j.out());
        }
    }

    @Test
    void statsOfAStandaloneRelayOverLoopback() throws Exception {
        try (StandaloneRelay relay = StandaloneRelay.start(new InetSocketAddress("127.0.0.1", 0), null, null,
                RelayServerConfig.defaults("fra"), PrivateKey.generate(), Admission.everyone(), EventLog.silent())) {
            Result r = run("stats", "--url", "http://127.0.0.1:" + relay.address().getPort());
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().contains("relay                     fra"), r.out());
        }
    }

    @Test
    void refusalsAreOneLine(@TempDir Path empty) {
        Result noServer = run("stats", "--state-dir", empty.toString());
        assertEquals(1, noServer.status());
        assertTrue(noServer.err().startsWith("tsj: cannot reach the control server"), noServer.err());
        assertEquals(1, noServer.err().lines().count());

        Result noAdmission = run("serve", "--listen", "127.0.0.1:0");
        assertEquals(2, noAdmission.status());
        assertTrue(noAdmission.err().startsWith("tsj: give --admit-url"), noAdmission.err());
        Result noSecret = run("serve", "--listen", "127.0.0.1:0", "--admit-url", "http://127.0.0.1:1");
        assertEquals(2, noSecret.status());
        assertTrue(noSecret.err().contains("--admit-secret-file"), noSecret.err());
        Result badSecret = run("serve", "--listen", "127.0.0.1:0", "--stun-port", "0", "--admit-url",
                "http://127.0.0.1:1", "--admit-secret-file", empty.resolve("none").toString());
        assertEquals(1, badSecret.status());
        assertTrue(badSecret.err().startsWith("tsj: cannot start the relay: no admit secret file"), badSecret.err());
    }
}
