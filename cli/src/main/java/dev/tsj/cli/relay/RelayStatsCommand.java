package dev.tsj.cli.relay;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tsj.control.admin.AdminClient;
import dev.tsj.control.admin.AdminException;
import dev.tsj.control.api.ApiJson;
import dev.tsj.control.relay.RelayStats;
import dev.tsj.control.relay.proto.RelayProto;
import dev.tsj.control.server.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tsj relay stats}: the relay's counters, from the control server's admin socket
 * (the embedded relay) or from a standalone relay on this host ({@code --url}).
 */
@Command(name = "stats", description = "Show relay counters: clients, relayed packets and bytes, drops, STUN")
final class RelayStatsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = ServerConfig.DEFAULT_STATE_DIR,
            description = "State directory of the control server with the embedded relay (default: ${DEFAULT-VALUE})")
    Path stateDir;

    @Option(names = "--url", paramLabel = "URL",
            description = "A standalone relay on this host, http://127.0.0.1:PORT (it answers loopback only)")
    URI url;

    @Option(names = "--json", description = "Print JSON instead of a table")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RelayStats s;
        try {
            s = url != null ? fetch(url) : new AdminClient(stateDir).relayStats();
        } catch (AdminException | IOException e) {
            err.println("tsj: " + e.getMessage());
            err.flush();
            return 1;
        }
        if (json) {
            try {
                out.println(ApiJson.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(s));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        } else {
            print(out, s);
        }
        out.flush();
        return 0;
    }

    static void print(PrintWriter out, RelayStats s) {
        String[][] rows = {
            {"relay", s.name()}, {"clients", "" + s.clients()}, {"connections", "" + s.connections()},
            {"packets relayed", "" + s.packetsRelayed()}, {"bytes relayed", "" + s.bytesRelayed()},
            {"dropped (queue full)", "" + s.dropsQueueFull()},
            {"dropped (no such peer)", "" + s.dropsUnknownDestination()},
            {"refused (not in tailnet)", "" + s.admissionRefused()},
            {"refused (cannot check)", "" + s.admissionUnavailable()},
            {"bad key proofs", "" + s.badClientInfo()}, {"malformed frames", "" + s.malformedFrames()},
            {"replaced connections", "" + s.replacedConnections()}, {"pings", "" + s.pings()},
            {"stun requests", "" + s.stunRequests()}, {"stun malformed", "" + s.stunMalformed()},
        };
        for (String[] r : rows) {
            out.println(String.format("%-26s%s", r[0], r[1]));
        }
    }

    private static RelayStats fetch(URI relay) throws IOException {
        if (!"http".equalsIgnoreCase(relay.getScheme()) || relay.getHost() == null) {
            throw new IOException("--url must be http://127.0.0.1:PORT");
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(relay.resolve(RelayProto.STATS_PATH))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (IOException e) {
            throw new IOException("cannot reach relay at " + relay + ": " + e.getMessage(), e);
        }
        if (r.statusCode() != 200) {
            throw new IOException("relay at " + relay + " answered " + r.statusCode()
                    + " (stats are served to loopback callers only)");
        }
        try {
            return ApiJson.MAPPER.readValue(r.body(), RelayStats.class);
        } catch (IOException e) {
            throw new IOException("relay at " + relay + " sent malformed stats");
        }
    }
}
