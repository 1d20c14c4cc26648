package dev.tsj.cli.demo;

import dev.tsj.control.EventLog;
import dev.tsj.control.admin.AdminClient;
import dev.tsj.control.core.TailnetConfig;
import dev.tsj.control.server.ControlServer;
import dev.tsj.control.server.ServerConfig;
import dev.tsj.daemon.NodeDaemon;
import dev.tsj.daemon.dataplane.Dataplane;
import dev.tsj.daemon.dataplane.ProxySettings;
import dev.tsj.daemon.dataplane.UserspaceDataplane;
import dev.tsj.daemon.node.StatusView;
import dev.tsj.daemon.node.UpRequest;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * README's first command without root: a coordination server and two nodes in userspace
 * mode, all in this process and on 127.0.0.1 (no TUN, no namespaces, nothing sent beyond
 * loopback). demo-2 runs a web page on its host's 127.0.0.1; demo-1 pings demo-2 through
 * the WireGuard tunnel and fetches that page through its own SOCKS5 proxy by demo-2's
 * tailnet name, which the stack on demo-2 hands to 127.0.0.1.
 */
public final class UserspaceDemo {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final PrintStream out;
    private final Path work;
    private final List<AutoCloseable> opened = new ArrayList<>();

    private UserspaceDemo(PrintStream out, Path work) {
        this.out = out;
        this.work = work;
    }

    public static int run(PrintStream out) throws Exception {
        Path work = DemoWorkDir.create();
        Logger tsj = Logger.getLogger("dev.tsj");
        Level level = tsj.getLevel();
        tsj.setLevel(Level.WARNING); // the daemons' start-up lines would bury the demo's
        UserspaceDemo d = new UserspaceDemo(out, work);
        try {
            return d.go();
        } finally {
            d.cleanup();
            tsj.setLevel(level);
        }
    }

    private int go() throws Exception {
        out.println("== building a tailnet on 127.0.0.1: 1 coordination server + 2 nodes in userspace mode (no TUN, no root)");
        Path ctlDir = work.resolve("control");
        ControlServer control = own(ControlServer.start(new ServerConfig(new InetSocketAddress(LOOPBACK, 0), ctlDir, null,
                TailnetConfig.defaults()), EventLog.silent()));
        String url = "http://127.0.0.1:" + control.address().getPort();
        AdminClient admin = new AdminClient(ctlDir);
        admin.createUser("demo");
        String key = admin.createAuthKey("demo", true, false, true, null, List.of()).key();
        out.println("control server up at " + url + "; reusable auth key created for user demo");

        HttpServer web = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        int webPort = web.getAddress().getPort();
        web.createContext("/", ex -> {
            byte[] body = ("hello from demo-2's 127.0.0.1:" + webPort + "\n").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        web.start();
        opened.add(() -> web.stop(0));

        NodeDaemon n1 = node("demo-1", new ProxySettings(new InetSocketAddress(LOOPBACK, 0), null, null));
        NodeDaemon n2 = node("demo-2", ProxySettings.NONE);
        for (NodeDaemon n : List.of(n1, n2)) {
            String name = n == n1 ? "demo-1" : "demo-2";
            StatusView.Up up = n.node().up(new UpRequest(url, key, name, null, null, null, null, false, 30_000));
            out.println(name + ": tsj up -> " + name + " is up at " + String.join(", ", up.addresses()));
        }
        InetSocketAddress socks = ((UserspaceDataplane) n1.dataplane()).proxyAddresses().getFirst();
        out.println("demo-1 serves SOCKS5 on 127.0.0.1:" + socks.getPort() + "; demo-2 serves a page on its own 127.0.0.1:" + webPort);
        waitForPeer(n1);
        out.println();

        int failures = 0;
        out.println("== tsj ping demo-2 (from demo-1, through the WireGuard tunnel)");
        for (int i = 0; i < 3; i++) {
            try {
                StatusView.Pong p = n1.node().ping("demo-2", 5_000);
                out.printf("pong from %s (%s) via %s in %.1fms%n", p.peer(), p.ip(), p.via(), p.millis());
            } catch (dev.tsj.daemon.node.NodeException e) {
                out.println(e.getMessage());
                failures++;
            }
        }
        out.println();
        out.println("== curl -x socks5h://127.0.0.1:" + socks.getPort() + " http://demo-2:" + webPort + "/  (from demo-1)");
        try {
            String page = fetch(socks, "demo-2", webPort);
            out.print(page);
            failures += page.startsWith("hello from demo-2") ? 0 : 1;
        } catch (IOException e) {
            out.println("fetch failed: " + e.getMessage());
            failures++;
        }
        out.println();
        out.println(failures == 0 ? "demo-1 reached demo-2 by ping and by TCP through SOCKS5: the tailnet works. Cleaning up."
                : failures + " check(s) failed.");
        return failures == 0 ? 0 : 1;
    }

    private NodeDaemon node(String name, ProxySettings proxies) throws IOException {
        // Peers are told 127.0.0.1 only: the demo must not send to the host's other addresses.
        return own(NodeDaemon.start(new NodeDaemon.Options(Dataplane.USERSPACE, 0, 1280, false, null,
                work.resolve(name + ".sock"), work.resolve(name + ".state").toString(), null, proxies,
                port -> List.of(new InetSocketAddress(LOOPBACK, port)))));
    }

    private static void waitForPeer(NodeDaemon n) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (n.node().netMap() == null || n.node().netMap().peers().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IOException("demo-1 did not learn of demo-2 within 30 s");
            }
            Thread.sleep(100);
        }
    }

    /** An HTTP/1.0 GET through the SOCKS5 proxy, the host name resolved by the proxy (as socks5h:// does). */
    private static String fetch(InetSocketAddress socks, String host, int port) throws IOException {
        try (Socket s = new Socket(new Proxy(Proxy.Type.SOCKS, socks))) {
            s.setSoTimeout(10_000);
            s.connect(InetSocketAddress.createUnresolved(host, port), 10_000);
            s.getOutputStream().write(("GET / HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int body = response.indexOf("\r\n\r\n");
            if (!response.startsWith("HTTP/1.1 200") || body < 0) {
                throw new IOException("unexpected answer: " + response.lines().findFirst().orElse("(nothing)"));
            }
            return response.substring(body + 4);
        }
    }

    private <T extends AutoCloseable> T own(T thing) {
        opened.add(thing);
        return thing;
    }

    private void cleanup() {
        for (AutoCloseable c : opened.reversed()) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        DemoWorkDir.delete(work);
    }
}
