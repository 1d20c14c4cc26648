package dev.tsj.control.relay;

import dev.tsj.control.api.ApiJson;
import dev.tsj.control.http.HttpHead;
import dev.tsj.control.http.HttpReplies;
import dev.tsj.control.relay.proto.RelayProto;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.function.Supplier;

/**
 * The relay's HTTP routes, on the control server's front door or a standalone relay's
 * port: {@code /relay} (the upgrade), {@code /relay/admit} (control server only) and
 * {@code /relay/stats} (JSON counters, to loopback callers only: they describe traffic).
 */
public final class RelayRoutes {
    private final RelayServer relay;
    private final AdmitEndpoint admit;
    private final Supplier<RelayStats> stats;

    /** Any part may be null: that route then answers 404. */
    public RelayRoutes(RelayServer relay, AdmitEndpoint admit, Supplier<RelayStats> stats) {
        this.relay = relay;
        this.admit = admit;
        this.stats = stats;
    }

    /** Answers {@code path} if it is a relay route and returns true; false leaves it to the caller. */
    public boolean route(String path, Socket socket, HttpHead head, InputStream in, OutputStream out) throws IOException {
        switch (path) {
            case RelayProto.PATH -> {
                if (relay == null) {
                    HttpReplies.error(out, 404, "no relay runs here");
                } else {
                    relay.handleUpgrade(socket, head, in, out);
                }
            }
            case RelayProto.ADMIT_PATH -> {
                if (admit == null) {
                    HttpReplies.error(out, 404, "not found");
                } else {
                    admit.handle(head, out);
                }
            }
            case RelayProto.STATS_PATH -> stats(socket, head, out);
            default -> {
                return false;
            }
        }
        return true;
    }

    private void stats(Socket socket, HttpHead head, OutputStream out) throws IOException {
        boolean loopback = socket.getRemoteSocketAddress() instanceof InetSocketAddress a
                && a.getAddress().isLoopbackAddress();
        if (stats == null || !loopback) {
            HttpReplies.error(out, 404, "not found");
        } else if (!head.first().equals("GET")) {
            HttpReplies.error(out, 405, "use GET");
        } else {
            HttpReplies.send(out, 200, "application/json", ApiJson.MAPPER.writeValueAsString(stats.get()) + "\n");
        }
    }
}
