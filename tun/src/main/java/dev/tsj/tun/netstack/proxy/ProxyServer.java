package dev.tsj.tun.netstack.proxy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * A proxy listener on a host address serving SOCKS5, HTTP, or both on one port (the
 * first byte tells them apart: 0x05 starts a SOCKS5 greeting, a letter an HTTP request),
 * as tailscaled can. One virtual thread per client; destinations are reached through the
 * {@link Dialer}.
 */
public final class ProxyServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ProxyServer.class.getName());

    /**
     * @param socks5         serve SOCKS5
     * @param http           serve HTTP proxy requests
     * @param credentials    required username/password (SOCKS5 RFC 1929, HTTP Basic), or null for none
     * @param maxClients     concurrent clients at most; more are turned away
     * @param handshakeTimeout how long a client may take to say what it wants
     * @param httpIdleTimeout  how long a kept-alive HTTP client connection may sit idle
     */
    public record Options(boolean socks5, boolean http, ProxyCredentials credentials, int maxClients,
                          Duration handshakeTimeout, Duration httpIdleTimeout) {
        public static Options both() {
            return new Options(true, true, null, 4096, Duration.ofSeconds(30), Duration.ofSeconds(60));
        }

        /** The same limits, serving only the protocols named. */
        public Options serving(boolean socks5, boolean http) {
            return new Options(socks5, http, credentials, maxClients, handshakeTimeout, httpIdleTimeout);
        }

        public Options withCredentials(ProxyCredentials c) {
            return new Options(socks5, http, c, maxClients, handshakeTimeout, httpIdleTimeout);
        }
    }

    private final ServerSocket server;
    private final Dialer dialer;
    private final Options options;
    private final Semaphore clients;
    private volatile long lastLimitLog;

    private ProxyServer(ServerSocket server, Dialer dialer, Options options) {
        this.server = server;
        this.dialer = dialer;
        this.options = options;
        this.clients = new Semaphore(options.maxClients());
    }

    /** Binds {@code listen} (port 0 picks one) and starts accepting. */
    public static ProxyServer start(InetSocketAddress listen, Dialer dialer, Options options) throws IOException {
        if (!options.socks5() && !options.http()) throw new IllegalArgumentException("a proxy must serve SOCKS5, HTTP or both");
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(listen, 1024);
        ProxyServer p = new ProxyServer(s, dialer, options);
        Thread.ofVirtual().name("proxy-accept-" + s.getLocalPort()).start(p::acceptLoop);
        return p;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) LOG.log(System.Logger.Level.WARNING, "proxy: accept failed: " + e.getMessage());
                continue;
            }
            if (!clients.tryAcquire()) {
                long now = System.nanoTime();
                if (now - lastLimitLog > 10_000_000_000L) {
                    lastLimitLog = now;
                    LOG.log(System.Logger.Level.WARNING, "proxy: " + options.maxClients() + " clients already; turning new ones away");
                }
                closeQuietly(client);
                continue;
            }
            Thread.ofVirtual().name("proxy-client").start(() -> {
                try (client) {
                    serve(client);
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "proxy: client " + client.getRemoteSocketAddress() + ": " + e.getMessage());
                } finally {
                    clients.release();
                }
            });
        }
    }

    private void serve(Socket client) throws IOException {
        client.setTcpNoDelay(true);
        client.setSoTimeout((int) options.handshakeTimeout().toMillis());
        InputStream in = new BufferedInputStream(client.getInputStream(), 16 * 1024);
        in.mark(1);
        int first = in.read();
        if (first < 0) return;
        in.reset();
        if (first == Socks5.VERSION) {
            if (options.socks5()) new Socks5Handler(dialer, options.credentials()).handle(client, in);
        } else if (options.http()) {
            new HttpProxyHandler(dialer, options.credentials(), options.httpIdleTimeout()).handle(client, in);
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
