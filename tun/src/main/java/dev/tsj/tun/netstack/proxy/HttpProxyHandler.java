package dev.tsj.tun.netstack.proxy;

import dev.tsj.tun.netstack.forward.Duplex;
import dev.tsj.tun.netstack.forward.Relay;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One HTTP proxy client: CONNECT tunnels, and plain requests in absolute form
 * ({@code GET http://host/path}) forwarded in origin form, with keep-alive on both
 * sides when the messages' framing allows it and the upstream connection reused while
 * the client keeps asking the same host.
 */
final class HttpProxyHandler {
    private static final System.Logger LOG = System.getLogger(HttpProxyHandler.class.getName());
    /** RFC 9110 section 7.6.1: fields meant for one hop only. Transfer-Encoding passes (bodies are relayed as they are). */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "proxy-connection", "keep-alive",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "upgrade");

    private final Dialer dialer;
    private final ProxyCredentials credentials;
    private final Duration idleTimeout;

    private Duplex upstream;
    private String upstreamKey;
    private InputStream upIn;
    private OutputStream upOut;
    private String lastDialError = "";

    HttpProxyHandler(Dialer dialer, ProxyCredentials credentials, Duration idleTimeout) {
        this.dialer = dialer;
        this.credentials = credentials;
        this.idleTimeout = idleTimeout;
    }

    void handle(Socket client, InputStream in) throws IOException {
        OutputStream out = new BufferedOutputStream(client.getOutputStream(), 16 * 1024);
        try {
            while (true) {
                client.setSoTimeout((int) idleTimeout.toMillis());
                HttpHead request;
                try {
                    request = HttpHead.read(in);
                } catch (SocketTimeoutException idle) {
                    return;
                } catch (ProtocolException e) {
                    respond(out, 400, "Bad Request", e.getMessage());
                    return;
                }
                if (request == null) return;
                client.setSoTimeout(0);
                if (!serve(client, in, out, request)) return;
            }
        } finally {
            closeUpstream();
        }
    }

    /** Serves one request; returns whether the client connection stays open for another. */
    private boolean serve(Socket client, InputStream in, OutputStream out, HttpHead request) throws IOException {
        String[] start = request.startLine().split(" ");
        if (start.length != 3 || !start[2].startsWith("HTTP/1.")) {
            respond(out, 400, "Bad Request", "malformed request line");
            return false;
        }
        String method = start[0];
        if (!authorized(request)) {
            respond(out, 407, "Proxy Authentication Required", "proxy credentials required",
                    "Proxy-Authenticate: Basic realm=\"tsj\"");
            return false;
        }
        if (method.equals("CONNECT")) {
            tunnel(client, in, out, start[1]);
            return false;
        }
        URI uri;
        try {
            uri = new URI(start[1]);
        } catch (URISyntaxException e) {
            respond(out, 400, "Bad Request", "malformed request target");
            return false;
        }
        if (uri.getScheme() == null || !uri.getScheme().equalsIgnoreCase("http") || uri.getHost() == null) {
            respond(out, 400, "Bad Request", "a proxy request needs an absolute http:// URI (use CONNECT for https)");
            return false;
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        boolean http11 = start[2].equals("HTTP/1.1");
        boolean clientKeepAlive = http11
                ? !request.hasToken("Connection", "close") && !request.hasToken("Proxy-Connection", "close")
                : request.hasToken("Connection", "keep-alive") || request.hasToken("Proxy-Connection", "keep-alive");
        HttpBody requestBody = HttpBody.ofRequest(request);

        if (!connectUpstream(host, port)) {
            respond(out, 502, "Bad Gateway", lastDialError);
            return clientKeepAlive && requestBody == HttpBody.NONE;
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) path += "?" + uri.getRawQuery();
        boolean upgrade = request.field("Upgrade") != null && request.hasToken("Connection", "upgrade");
        String hostField = request.field("Host") == null ? "Host: " + uri.getRawAuthority() : null;
        String[] extra = upgrade ? new String[] {"Connection: Upgrade", "Upgrade: " + request.field("Upgrade")}
                : hostField != null ? new String[] {hostField} : new String[0];
        request.writeTo(upOut, method + " " + path + " HTTP/1.1", f -> !HOP_BY_HOP.contains(f) && !listedIn(request, f), extra);
        upOut.flush();

        // The body goes up on its own thread: a client expecting "100 Continue" waits for the
        // response before it sends the body, and we must read that response meanwhile.
        CompletableFuture<Void> bodySent = requestBody == HttpBody.NONE ? CompletableFuture.completedFuture(null)
                : sendBody(request, requestBody, in);
        try {
            HttpHead response;
            int status;
            while (true) {
                response = HttpHead.read(upIn);
                if (response == null) throw new ProtocolException("upstream closed without a response");
                status = statusOf(response);
                if (status / 100 != 1 || status == 101) break;
                response.writeTo(out, response.startLine(), f -> true); // interim (100 Continue): pass on
                out.flush();
            }
            if (status == 101) {
                response.writeTo(out, response.startLine(), f -> true);
                out.flush();
                Relay.start(new ClientDuplex(client, in), upstream).join();
                upstream = null;
                return false;
            }
            HttpBody responseBody = HttpBody.ofResponse(response, method, status);
            boolean upstreamKeepAlive = responseBody != HttpBody.UNTIL_CLOSE
                    && (response.startLine().startsWith("HTTP/1.1") ? !response.hasToken("Connection", "close")
                    : response.hasToken("Connection", "keep-alive"));
            boolean keepClient = clientKeepAlive && responseBody != HttpBody.UNTIL_CLOSE;
            HttpHead finalResponse = response;
            response.writeTo(out, response.startLine(), f -> !HOP_BY_HOP.contains(f) && !listedIn(finalResponse, f),
                    keepClient ? "Connection: keep-alive" : "Connection: close");
            responseBody.copy(response, upIn, out);
            out.flush();
            bodySent.join();
            if (!upstreamKeepAlive) closeUpstream();
            return keepClient;
        } catch (IOException | RuntimeException e) {
            closeUpstream();
            LOG.log(System.Logger.Level.DEBUG, () -> "http proxy: " + host + ":" + port + ": " + e.getMessage());
            return false;
        }
    }

    private CompletableFuture<Void> sendBody(HttpHead request, HttpBody kind, InputStream in) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        OutputStream target = upOut;
        Thread.ofVirtual().start(() -> {
            try {
                kind.copy(request, in, target);
                done.complete(null);
            } catch (IOException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    private void tunnel(Socket client, InputStream in, OutputStream out, String authority) throws IOException {
        URI uri;
        try {
            uri = new URI("//" + authority);
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null || uri.getPort() <= 0) {
            respond(out, 400, "Bad Request", "CONNECT needs host:port");
            return;
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        Duplex target;
        try {
            target = dialer.dial(host, uri.getPort());
        } catch (IOException e) {
            respond(out, 502, "Bad Gateway", DialFailure.describe(host, uri.getPort(), e));
            return;
        }
        out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        Relay.start(new ClientDuplex(client, in), target).join();
    }

    private boolean connectUpstream(String host, int port) {
        String key = host.toLowerCase(Locale.ROOT) + ":" + port;
        if (upstream != null && key.equals(upstreamKey)) return true;
        closeUpstream();
        try {
            upstream = dialer.dial(host, port);
            upstreamKey = key;
            upIn = new BufferedInputStream(upstream.in(), 16 * 1024);
            upOut = new BufferedOutputStream(upstream.out(), 16 * 1024);
            return true;
        } catch (IOException e) {
            lastDialError = DialFailure.describe(host, port, e);
            return false;
        }
    }

    private void closeUpstream() {
        if (upstream != null) {
            upstream.close();
            upstream = null;
            upstreamKey = null;
        }
    }

    private boolean authorized(HttpHead request) {
        if (credentials == null) return true;
        String auth = request.field("Proxy-Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Basic ", 0, 6)) return false;
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        return colon > 0 && credentials.matches(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    /** Fields named in the Connection field are hop-by-hop too (RFC 9110 section 7.6.1). */
    private static boolean listedIn(HttpHead h, String lowerName) {
        return h.hasToken("Connection", lowerName);
    }

    private static int statusOf(HttpHead response) throws ProtocolException {
        String[] parts = response.startLine().split(" ", 3);
        try {
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) throw new NumberFormatException();
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new ProtocolException("malformed status line from upstream");
        }
    }

    private static void respond(OutputStream out, int status, String reason, String message, String... extra) throws IOException {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
        sb.append("Content-Type: text/plain; charset=utf-8\r\nContent-Length: ").append(body.length).append("\r\n");
        for (String e : extra) sb.append(e).append("\r\n");
        sb.append("\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }
}
