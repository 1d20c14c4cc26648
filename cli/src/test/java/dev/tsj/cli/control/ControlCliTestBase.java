package dev.tsj.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tsj.control.EventLog;
import dev.tsj.control.api.ApiJson;
import dev.tsj.control.core.TailnetConfig;
import dev.tsj.control.server.ControlServer;
import dev.tsj.control.server.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A real server in a temp state dir, and {@code tsj control ...} run against it as a user would. */
abstract class ControlCliTestBase {
    /** Commands that work without a server, so take no --state-dir. */
    private static final Set<String> OFFLINE = Set.of("serve", "policy check", "policy test");

    @TempDir
    Path dir;
    ControlServer server;

    record Result(int status, String out, String err) {
        JsonNode json() throws Exception {
            return ApiJson.MAPPER.readTree(out);
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = ControlServer.start(new ServerConfig(new InetSocketAddress("127.0.0.1", 0), dir, null,
                TailnetConfig.defaults()), EventLog.silent());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        boolean offline = OFFLINE.contains(args[0]) || (args.length > 1 && OFFLINE.contains(args[0] + " " + args[1]));
        if (!all.contains("--state-dir") && !offline) {
            all.add("--state-dir");
            all.add(dir.toString());
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = ControlCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int status = cli.execute(all.toArray(String[]::new));
        return new Result(status, out.toString(), err.toString());
    }
}
