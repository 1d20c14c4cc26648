package dev.tsj.control.relay;

import dev.tsj.control.EventLog;
import dev.tsj.control.api.IpLiterals;
import dev.tsj.control.http.HttpException;
import dev.tsj.control.http.HttpHead;
import dev.tsj.control.http.HttpReplies;
import dev.tsj.control.stun.StunResponders;
import dev.tsj.crypto.PrivateKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * A relay on its own port ({@code tsj relay serve}), away from the control server: the
 * HTTP routes of {@link RelayRoutes} plus {@code GET /health}, one virtual thread per
 * connection, and its own STUN responders.
 */
public final class StandaloneRelay implements AutoCloseable {
    private static final int HEAD_TIMEOUT_MS = 10_000;

    private final RelayServer relay;
    private final StunResponders stun;
    private final ServerSocket listener;
    private final RelayRoutes routes;
    private final EventLog log;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean closing;

    private StandaloneRelay(RelayServer relay, StunResponders stun, ServerSocket listener, EventLog log) {
        this.relay = relay;
        this.stun = stun;
        this.listener = listener;
        this.log = log;
        this.routes = new RelayRoutes(relay, null, this::stats);
        Thread.ofPlatform().name("relay-accept").daemon(true).start(this::acceptLoop);
    }

    /**
     * Starts a relay on {@code listen} (port 0: any free port) with STUN on the same address.
     *
     * @param stunPort    primary STUN port (0: any free port); null: no STUN
     * @param stunAltPort second STUN port; null: none
     */
    public static StandaloneRelay start(InetSocketAddress listen, Integer stunPort, Integer stunAltPort,
                                        RelayServerConfig config, PrivateKey key, Admission admission, EventLog log)
            throws IOException {
        ServerSocket l = new ServerSocket();
        StunResponders st = null;
        try {
            l.setReuseAddress(true);
            l.bind(listen, 1024);
            st = StunResponders.start(listen.getAddress(), stunPort, stunAltPort, log);
        } catch (IOException | RuntimeException e) {
            l.close();
            throw e;
        }
        StandaloneRelay r = new StandaloneRelay(new RelayServer(config, key, admission, log), st, l, log);
        log.info("relay.started", "name", config.name(), "listen", IpLiterals.formatEndpoint(r.address()),
                "stun_ports", st.port() + "," + st.altPort());
        return r;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** {@code http://ADDR:PORT/relay}, as a client dials it (the wildcard address as loopback). */
    public URI url() {
        InetSocketAddress a = address();
        InetSocketAddress dial = a.getAddress().isAnyLocalAddress()
                ? new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), a.getPort()) : a;
        return URI.create("http://" + IpLiterals.formatEndpoint(dial) + dev.tsj.control.relay.proto.RelayProto.PATH);
    }

    public RelayServer relay() {
        return relay;
    }

    public StunResponders stun() {
        return stun;
    }

    public RelayStats stats() {
        return relay.stats(stun.counters());
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                open.add(s);
                Thread.ofVirtual().name("relay-conn").start(() -> {
                    try {
                        handle(s);
                    } finally {
                        open.remove(s);
                    }
                });
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    log.warn("relay.accept_failed", "error", e.getMessage());
                }
            }
        }
    }

    private void handle(Socket socket) {
        try (socket) {
            socket.setSoTimeout(HEAD_TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            HttpHead head;
            try {
                head = HttpHead.read(in);
            } catch (HttpException e) {
                HttpReplies.error(out, e.status(), e.getMessage());
                return;
            }
            String path = head.second();
            int q = path.indexOf('?');
            path = q >= 0 ? path.substring(0, q) : path;
            if (routes.route(path, socket, head, in, out)) {
                return;
            }
            if (path.equals("/health") && head.first().equals("GET")) {
                HttpReplies.send(out, 200, "text/plain", "ok\n");
            } else {
                HttpReplies.error(out, 404, "not found");
            }
        } catch (IOException e) {
            // the peer went away or never finished its request
        }
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /** Tells clients the relay restarts, then stops listening and closes every connection. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        relay.close();
        stun.close();
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        log.info("relay.stopped");
        closed.countDown();
    }
}
