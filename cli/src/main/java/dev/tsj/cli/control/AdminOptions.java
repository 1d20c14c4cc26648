package dev.tsj.cli.control;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tsj.control.admin.AdminClient;
import dev.tsj.control.api.ApiJson;
import dev.tsj.control.server.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** What every admin command takes: the server's state dir (to find its admin socket) and --json. */
final class AdminOptions {
    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = ServerConfig.DEFAULT_STATE_DIR,
            description = "State directory of the running server (default: ${DEFAULT-VALUE})")
    Path stateDir;

    @Option(names = "--json", description = "Print JSON instead of a table")
    boolean json;

    AdminClient client() {
        return new AdminClient(stateDir);
    }

    /** Prints {@code value} as JSON with --json, else as {@code table} renders it. */
    <T> void show(PrintWriter out, T value, java.util.function.BiConsumer<PrintWriter, T> table) {
        if (json) {
            printJson(out, value);
        } else {
            table.accept(out, value);
        }
    }

    static void printJson(PrintWriter out, Object value) {
        try {
            out.println(ApiJson.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
