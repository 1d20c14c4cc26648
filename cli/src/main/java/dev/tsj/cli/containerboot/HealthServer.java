package dev.tsj.cli.containerboot;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * TSJ_HEALTH_ADDR: {@code GET /healthz} answers 200 once the node is up in the tailnet
 * with an address, 503 with the reason until then (for readiness and liveness probes).
 */
final class HealthServer implements AutoCloseable {
    static final String PATH = "/healthz";

    /** Null when the node is up, else why not (one line). */
    interface Readiness extends Supplier<String> {}

    private final HttpServer server;

    private HealthServer(HttpServer server) {
        this.server = server;
    }

    static HealthServer start(InetSocketAddress addr, Readiness readiness) throws IOException {
        HttpServer s = HttpServer.create(addr, 8);
        s.createContext("/", ex -> answer(ex, readiness));
        s.start();
        return new HealthServer(s);
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange ex, Readiness readiness) throws IOException {
        try (ex) {
            int code;
            String body;
            if (!ex.getRequestURI().getPath().equals(PATH)) {
                code = 404;
                body = "not found: try " + PATH + "\n";
            } else if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                code = 405;
                body = "GET only\n";
            } else {
                String problem = readiness.get();
                code = problem == null ? 200 : 503;
                body = problem == null ? "ok\n" : "not ready: " + problem + "\n";
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            boolean head = ex.getRequestMethod().equals("HEAD");
            ex.sendResponseHeaders(code, head ? -1 : b.length);
            if (!head) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(b);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
