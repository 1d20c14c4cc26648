package dev.tsj.tun.netstack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.tun.netstack.proxy.Dialer;
import dev.tsj.tun.netstack.proxy.HostDialer;
import dev.tsj.tun.netstack.proxy.ProxyCredentials;
import dev.tsj.tun.netstack.proxy.ProxyServer;
import dev.tsj.tun.netstack.proxy.Resolver;
import dev.tsj.tun.netstack.proxy.RoutingDialer;
import dev.tsj.tun.netstack.proxy.TailnetDialer;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SOCKS5 and HTTP proxies of node A, used by real JDK clients on the host, reaching
 * servers on node B through the back-to-back stacks, and host servers directly.
 */
class ProxyTest {
    private static final PrefixSet TAILNET = PrefixSet.parse("100.64.0.0/10", "fd7a:115c:a1e0::/48");
    /** A stand-in for MagicDNS: one tailnet name, then the system resolver. */
    private static final Resolver RESOLVER = host -> host.equals("b.tailnet")
            ? List.of(SimNet.B4.toInetAddress()) : Resolver.system().resolve(host);

    private DevicePair pair;
    private ProxyServer proxy;
    private StackHttpServer web;

    @BeforeEach
    void start() throws IOException {
        pair = new DevicePair();
        TcpStreamTest.echoServer(pair.stackB(), 7);
        web = new StackHttpServer(pair.stackB(), 8080);
        pair.stackB().bindUdp(null, 53, (ep, from, payload) -> {
            byte[] q = new byte[payload.remaining()];
            payload.get(q);
            try {
                ep.send(from, ByteBuffer.wrap(("answer:" + new String(q, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        proxy = ProxyServer.start(new InetSocketAddress(HostServers.LOOPBACK, 0), dialer(), ProxyServer.Options.both());
    }

    private Dialer dialer() {
        return new RoutingDialer(RESOLVER, a -> TAILNET.contains(IpAddress.of(a)),
                new TailnetDialer(pair.stackA(), RESOLVER, Duration.ofSeconds(10)),
                new HostDialer(RESOLVER, Duration.ofSeconds(10)));
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        pair.close();
    }

    private Proxy socks() {
        return new Proxy(Proxy.Type.SOCKS, proxy.address());
    }

    private static void echoThrough(Socket s, int size, long seed) throws Exception {
        byte[] data = new byte[size];
        new SplittableRandom(seed).nextBytes(data);
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                s.getOutputStream().write(data);
                s.shutdownOutput();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        byte[] back = s.getInputStream().readAllBytes();
        writer.join();
        assertArrayEquals(data, back);
    }

    // ---- SOCKS5 ----

    @Test
    void socks5ConnectWithTheJdkClientReachesATailnetNode() throws Exception {
        try (Socket s = new Socket(socks())) {
            s.connect(new InetSocketAddress(SimNet.B4.toInetAddress(), 7), 10_000);
            echoThrough(s, 2_000_000, 1);
        }
    }

    @Test
    void socks5ConnectByNameUsesTheProxysResolver() throws Exception {
        try (Socket s = new Socket(socks())) {
            s.connect(InetSocketAddress.createUnresolved("b.tailnet", 7), 10_000); // ATYP domain name
            echoThrough(s, 100_000, 2);
        }
    }

    @Test
    void socks5ConnectToANonTailnetDestinationUsesTheHostNetwork() throws Exception {
        try (HostServers.TcpEcho hostEcho = new HostServers.TcpEcho(); Socket s = new Socket(socks())) {
            s.connect(new InetSocketAddress(HostServers.LOOPBACK, hostEcho.port()), 10_000);
            echoThrough(s, 300_000, 3);
            assertEquals(1, hostEcho.clients.size());
        }
        assertEquals(0, pair.stackA().counters().get(Counter.TCP_CONNECTIONS_OPENED), "not through the tailnet");
    }

    @Test
    void socks5ReportsRefusedConnections() throws Exception {
        try (Socket s = new Socket(HostServers.LOOPBACK, proxy.address().getPort())) {
            byte[] reply = rawSocksConnect(s, null, SimNet.B4.toInetAddress(), 9);
            assertEquals(5, reply[1], "REP 5: connection refused");
        }
    }

    @Test
    void socks5UsernamePasswordAuthentication() throws Exception {
        proxy.close();
        proxy = ProxyServer.start(new InetSocketAddress(HostServers.LOOPBACK, 0), dialer(),
                ProxyServer.Options.both().withCredentials(new ProxyCredentials("alice", "s3cret")));
        try (Socket s = new Socket(HostServers.LOOPBACK, proxy.address().getPort())) {
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            out.write(new byte[] {5, 1, 0}); // offers only "no authentication"
            assertArrayEquals(new byte[] {5, (byte) 0xff}, in.readNBytes(2), "no acceptable method");
        }
        try (Socket s = new Socket(HostServers.LOOPBACK, proxy.address().getPort())) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(new byte[] {5, 1, 2});
            assertArrayEquals(new byte[] {5, 2}, in.readNBytes(2));
            out.write(auth("alice", "wrong"));
            assertArrayEquals(new byte[] {1, 1}, in.readNBytes(2), "RFC 1929 failure");
            assertEquals(-1, in.read(), "connection closed");
        }
        try (Socket s = new Socket(HostServers.LOOPBACK, proxy.address().getPort())) {
            byte[] reply = rawSocksConnect(s, new String[] {"alice", "s3cret"}, SimNet.B4.toInetAddress(), 7);
            assertEquals(0, reply[1], "succeeded");
            s.getOutputStream().write("ping".getBytes());
            assertArrayEquals("ping".getBytes(), s.getInputStream().readNBytes(4));
        }
    }

    @Test
    void socks5UdpAssociateRelaysDatagramsToATailnetNode() throws Exception {
        try (Socket control = new Socket(HostServers.LOOPBACK, proxy.address().getPort());
             DatagramSocket udp = new DatagramSocket(new InetSocketAddress(HostServers.LOOPBACK, 0))) {
            OutputStream out = control.getOutputStream();
            DataInputStream in = new DataInputStream(control.getInputStream());
            out.write(new byte[] {5, 1, 0});
            in.readNBytes(2);
            byte[] lo = HostServers.LOOPBACK.getAddress();
            out.write(new byte[] {5, 3, 0, 1, lo[0], lo[1], lo[2], lo[3], (byte) (udp.getLocalPort() >> 8), (byte) udp.getLocalPort()});
            byte[] reply = in.readNBytes(10);
            assertEquals(0, reply[1]);
            int relayPort = ((reply[8] & 0xff) << 8) | (reply[9] & 0xff);
            InetAddress relayAddr = InetAddress.getByAddress(new byte[] {reply[4], reply[5], reply[6], reply[7]});

            byte[] b4 = SimNet.B4.toInetAddress().getAddress();
            ByteBuffer d = ByteBuffer.allocate(100);
            d.put(new byte[] {0, 0, 0, 1}).put(b4).putShort((short) 53).put("query".getBytes());
            udp.send(new DatagramPacket(d.array(), d.position(), relayAddr, relayPort));
            udp.setSoTimeout(10_000);
            DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            udp.receive(p);
            ByteBuffer r = ByteBuffer.wrap(p.getData(), 0, p.getLength());
            assertEquals(0, r.getShort());
            assertEquals(0, r.get());
            assertEquals(1, r.get(), "IPv4 source");
            byte[] src = new byte[4];
            r.get(src);
            assertArrayEquals(b4, src, "from the tailnet node");
            assertEquals(53, r.getShort());
            byte[] payload = new byte[r.remaining()];
            r.get(payload);
            assertEquals("answer:query", new String(payload, StandardCharsets.UTF_8));
        }
    }

    private static byte[] auth(String user, String pass) {
        ByteBuffer b = ByteBuffer.allocate(3 + user.length() + pass.length());
        b.put((byte) 1).put((byte) user.length()).put(user.getBytes()).put((byte) pass.length()).put(pass.getBytes());
        return b.array();
    }

    private static byte[] rawSocksConnect(Socket s, String[] creds, InetAddress target, int port) throws IOException {
        OutputStream out = s.getOutputStream();
        DataInputStream in = new DataInputStream(s.getInputStream());
        out.write(new byte[] {5, 1, (byte) (creds == null ? 0 : 2)});
        in.readNBytes(2);
        if (creds != null) {
            out.write(auth(creds[0], creds[1]));
            in.readNBytes(2);
        }
        byte[] a = target.getAddress();
        out.write(new byte[] {5, 1, 0, 1, a[0], a[1], a[2], a[3], (byte) (port >> 8), (byte) port});
        return in.readNBytes(10);
    }

    // ---- HTTP ----

    private HttpClient httpClient() {
        return HttpClient.newBuilder().proxy(ProxySelector.of(proxy.address())).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @Test
    void httpProxyForwardsRequestsAndKeepsConnectionsAlive() throws Exception {
        try (HttpClient client = httpClient()) {
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://100.64.0.2:8080/page/" + i + "?x=1"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
                assertEquals("GET /page/" + i + "?x=1", r.body(), "forwarded in origin form");
            }
            byte[] big = new byte[1_000_000];
            new SplittableRandom(4).nextBytes(big);
            HttpResponse<byte[]> posted = client.send(HttpRequest.newBuilder(URI.create("http://100.64.0.2:8080/upload"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertArrayEquals(big, posted.body());
        }
        assertEquals(6, web.requests.get());
        assertEquals(1, web.connections.get(), "one upstream connection for six requests to the same host");
        try (HttpClient client = httpClient()) {
            HttpResponse<String> byName = client.send(HttpRequest.newBuilder(URI.create("http://b.tailnet:8080/named")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("GET /named", byName.body(), "names resolve through the proxy's resolver");
        }
    }

    @Test
    void httpProxyConnectTunnel() throws Exception {
        try (Socket s = new Socket(HostServers.LOOPBACK, proxy.address().getPort())) {
            s.getOutputStream().write("CONNECT 100.64.0.2:7 HTTP/1.1\r\nHost: 100.64.0.2:7\r\n\r\n".getBytes());
            String status = new String(readHead(s.getInputStream()), StandardCharsets.ISO_8859_1);
            assertTrue(status.startsWith("HTTP/1.1 200"), status);
            echoThrough(s, 500_000, 5);
        }
    }

    @Test
    void httpProxyReachesHostServersDirectly() throws Exception {
        com.sun.net.httpserver.HttpServer host = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress(HostServers.LOOPBACK, 0), 0);
        host.createContext("/", ex -> {
            byte[] b = "from the host".getBytes();
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        host.start();
        try (HttpClient client = httpClient()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + host.getAddress().getPort() + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("from the host", r.body());
        } finally {
            host.stop(0);
        }
    }

    @Test
    void httpProxyAnswersUnreachableDestinationsWith502() throws Exception {
        try (HttpClient client = httpClient()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://100.64.0.2:9/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(502, r.statusCode());
            assertTrue(r.body().contains("cannot reach 100.64.0.2:9"), r.body());
        }
    }

    @Test
    void httpProxyAuthentication() throws Exception {
        proxy.close();
        proxy = ProxyServer.start(new InetSocketAddress(HostServers.LOOPBACK, 0), dialer(),
                ProxyServer.Options.both().withCredentials(new ProxyCredentials("alice", "s3cret")));
        try (Socket s = new Socket(HostServers.LOOPBACK, proxy.address().getPort())) {
            s.getOutputStream().write("GET http://100.64.0.2:8080/x HTTP/1.1\r\nHost: 100.64.0.2:8080\r\n\r\n".getBytes());
            String head = new String(readHead(s.getInputStream()), StandardCharsets.ISO_8859_1);
            assertTrue(head.startsWith("HTTP/1.1 407"), head);
            assertTrue(head.contains("Proxy-Authenticate: Basic"), head);
        }
        try (Socket s = new Socket(HostServers.LOOPBACK, proxy.address().getPort())) {
            String token = java.util.Base64.getEncoder().encodeToString("alice:s3cret".getBytes());
            s.getOutputStream().write(("GET http://100.64.0.2:8080/x HTTP/1.1\r\nHost: 100.64.0.2:8080\r\nProxy-Authorization: Basic "
                    + token + "\r\nConnection: close\r\n\r\n").getBytes());
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(all.startsWith("HTTP/1.1 200"), all);
            assertTrue(all.endsWith("GET /x"), all);
            assertTrue(all.contains("Connection: close"), all);
        }
    }

    private static byte[] readHead(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) break;
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return b.toByteArray();
    }
}
