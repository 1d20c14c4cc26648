package dev.tsj.tun.netstack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.jna.Memory;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The userspace stack against the real Linux TCP/IP stack: a TUN device in a network
 * namespace of our own ({@code nsk-k1}) carries packets between the kernel (curl, socat,
 * ping inside the namespace) and our stack (100.64.0.2, fd7a:115c:a1e0::2) in this JVM.
 * Needs root; with CI=true it fails instead of skipping when it cannot run.
 */
class KernelTcpInteropTest {
    private static final String NS = "nsk-k1";
    private static final String TUN = "nsk-tun0";
    private static final String KERNEL4 = "100.64.0.1";
    private static final String KERNEL6 = "fd7a:115c:a1e0::1";
    private static final String STACK4 = "100.64.0.2";
    private static final String STACK6 = "fd7a:115c:a1e0::2";
    private static final int BIG = 20_000_000;

    private static TestTun tun;
    private static UserspaceNetDevice device;
    private static final List<Thread> pumps = new ArrayList<>();
    private static final List<Process> servers = new ArrayList<>();
    /** Seeded loss and reordering in each direction (this kernel has no netem, so the pumps impair). */
    private static final Impairment toStack = new Impairment(5);
    private static final Impairment toKernel = new Impairment(6);
    private static byte[] bigBody;

    @BeforeAll
    static void setUp() throws Exception {
        String missing = missingPrerequisite();
        if (missing != null) {
            if ("true".equals(System.getenv("CI"))) fail("kernel interop test cannot run: " + missing);
            Assumptions.abort("kernel interop test skipped: " + missing);
        }
        sh("ip netns del " + NS + " 2>/dev/null; ip link del " + TUN + " 2>/dev/null; true");
        tun = new TestTun(TUN);
        sh("ip netns add " + NS);
        sh("ip link set " + TUN + " netns " + NS);
        ns("ip link set lo up");
        ns("ip link set " + TUN + " mtu 1280 up");
        ns("ip addr add " + KERNEL4 + "/32 dev " + TUN);
        ns("ip -6 addr add " + KERNEL6 + "/128 dev " + TUN + " nodad");
        ns("ip route add " + STACK4 + "/32 dev " + TUN);
        ns("ip -6 route add " + STACK6 + "/128 dev " + TUN);

        device = new UserspaceNetDevice(NetStackConfig.builder().addresses(STACK4, STACK6).mtu(1280).build());
        pumps.add(Thread.ofPlatform().daemon().name("tun-to-stack").start(KernelTcpInteropTest::tunToStack));
        pumps.add(Thread.ofPlatform().daemon().name("stack-to-tun").start(KernelTcpInteropTest::stackToTun));

        bigBody = new byte[BIG];
        new SplittableRandom(2026).nextBytes(bigBody);
        serveHttp(device.stack(), 8080);
        TcpStreamTest.echoServer(device.stack(), 7);
        servers.add(nsBackground("socat -T 60 TCP6-LISTEN:7000,ipv6only=0,reuseaddr,fork PIPE"));
        waitFor(() -> nsOk("ss -ltn | grep -q ':7000'"), "socat listening");
    }

    @AfterAll
    static void tearDown() throws Exception {
        servers.forEach(Process::destroyForcibly);
        if (device != null) device.close();
        if (tun != null) tun.close();
        for (Thread t : pumps) t.join(2000);
        sh("ip netns del " + NS + " 2>/dev/null; true");
    }

    private static String missingPrerequisite() {
        if (!System.getProperty("os.name").toLowerCase().contains("linux")) return "not Linux";
        if (!Files.exists(Path.of("/dev/net/tun"))) return "no /dev/net/tun";
        try {
            if (!run("id -u").trim().equals("0")) return "not root";
            for (String tool : List.of("ip", "curl", "socat", "ping", "ss", "sha256sum")) {
                if (!run("command -v " + tool + " || true").contains(tool)) return tool + " not installed";
            }
        } catch (IOException | InterruptedException e) {
            return "cannot run shell commands: " + e.getMessage();
        }
        return null;
    }

    // ---- Pumps: what the WireGuard device would do ----

    private static void tunToStack() {
        try (Memory buf = new Memory(65536)) {
            ByteBuffer[] bufs = {ByteBuffer.allocate(65536)};
            int[] sizes = new int[1];
            while (true) {
                int n = tun.read(buf);
                if (n < 0) return;
                if (n == 0) continue;
                byte[] packet = new byte[n];
                buf.read(0, packet, 0, n);
                for (byte[] p : toStack.pass(packet)) {
                    bufs[0].clear().put(p);
                    sizes[0] = p.length;
                    device.write(bufs, sizes, 0, 1);
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    private static void stackToTun() {
        int batch = device.batchSize();
        ByteBuffer[] bufs = new ByteBuffer[batch];
        for (int i = 0; i < batch; i++) bufs[i] = ByteBuffer.allocate(65536);
        int[] sizes = new int[batch];
        try (Memory out = new Memory(65536)) {
            while (true) {
                int n = device.read(bufs, sizes, 0);
                for (int i = 0; i < n; i++) {
                    for (byte[] p : toKernel.pass(java.util.Arrays.copyOf(bufs[i].array(), sizes[i]))) {
                        out.write(0, p, 0, p.length);
                        tun.write(out, p.length);
                    }
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** GET /big returns BIG seeded bytes; anything else returns the path. */
    private static void serveHttp(NetStack stack, int port) {
        stack.listen(port, req -> {
            TcpStream s = TcpStream.accept(req);
            Thread.ofVirtual().start(() -> {
                try (s) {
                    var in = s.getInputStream();
                    StringBuilder head = new StringBuilder();
                    int c;
                    while ((c = in.read()) >= 0) {
                        head.append((char) c);
                        if (head.toString().endsWith("\r\n\r\n")) break;
                    }
                    String path = head.toString().split(" ")[1];
                    byte[] body = path.equals("/big") ? bigBody
                            : path.equals("/medium") ? java.util.Arrays.copyOf(bigBody, BIG / 4)
                            : ("hello from the userspace stack " + path).getBytes();
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.write(body);
                    s.shutdownOutput();
                    while (in.read() >= 0) { /* until the client closes */ }
                } catch (IOException e) {
                    // client gone
                }
            });
        });
    }

    // ---- Tests ----

    @Test
    void kernelCurlFetchesFromTheStackOverIpv4AndIpv6() throws Exception {
        assertEquals("hello from the userspace stack /v4", nsOut("curl -s --max-time 20 http://" + STACK4 + ":8080/v4"));
        assertEquals("hello from the userspace stack /v6", nsOut("curl -s --max-time 20 http://[" + STACK6 + "]:8080/v6"));
    }

    @Test
    void kernelDownloadsTwentyMegabytesIntact() throws Exception {
        String sha = nsOut("curl -s --max-time 120 http://" + STACK4 + ":8080/big | sha256sum").split(" ")[0];
        assertEquals(sha256(bigBody), sha);
    }

    @Test
    void kernelDownloadsUnderLossAndReorderingOnBothDirections() throws Exception {
        toStack.set(0.02, 0.05);
        toKernel.set(0.02, 0.05);
        try {
            String sha = nsOut("curl -s --max-time 240 http://" + STACK4 + ":8080/medium | sha256sum").split(" ")[0];
            assertEquals(sha256(java.util.Arrays.copyOf(bigBody, BIG / 4)), sha);
            assertTrue(device.stack().counters().get(Counter.TCP_RETRANSMITS) > 0, "our stack repaired its losses");
        } finally {
            toStack.set(0, 0);
            toKernel.set(0, 0);
        }
    }

    @Test
    void stackConnectsToKernelSocatEchoBothFamilies() throws Exception {
        for (String host : List.of(KERNEL4, KERNEL6)) {
            try (TcpStream s = TcpStream.connect(device.stack(), new InetSocketAddress(host, 7000), Duration.ofSeconds(10))) {
                TcpStreamTest.echoRoundTrip(s, 5_000_000, host.hashCode());
            }
        }
    }

    @Test
    void stackEchoesForKernelClientUnderLoss() throws Exception {
        toStack.set(0.01, 0.02);
        toKernel.set(0.01, 0.02);
        try {
            // The kernel sends 5 MB through our echo service and checks what comes back.
            Path data = Files.createTempFile("nsk-echo", ".bin");
            byte[] blob = new byte[3_000_000];
            new SplittableRandom(11).nextBytes(blob);
            Files.write(data, blob);
            String sha = nsOut("socat -T 60 -t 60 - TCP:" + STACK4 + ":7 < " + data + " | sha256sum").split(" ")[0];
            Files.delete(data);
            assertEquals(sha256(blob), sha);
        } finally {
            toStack.set(0, 0);
            toKernel.set(0, 0);
        }
    }

    @Test
    void kernelPingsTheStackAndTheStackPingsTheKernel() throws Exception {
        assertTrue(nsOk("ping -c 3 -i 0.2 -W 2 " + STACK4), "IPv4 ping");
        assertTrue(nsOk("ping -6 -c 3 -i 0.2 -W 2 " + STACK6), "IPv6 ping");
        Duration rtt = device.stack().ping(java.net.InetAddress.ofLiteral(KERNEL4), 56, Duration.ofSeconds(3))
                .get(5, TimeUnit.SECONDS);
        assertTrue(rtt.toMillis() < 3000);
        device.stack().ping(java.net.InetAddress.ofLiteral(KERNEL6), 56, Duration.ofSeconds(3)).get(5, TimeUnit.SECONDS);
    }

    @Test
    void closedPortIsRefusedToTheKernel() throws Exception {
        String out = nsOut("curl -s -o /dev/null -w '%{http_code} %{errormsg}' --max-time 10 http://" + STACK4 + ":9/ || true");
        assertTrue(out.contains("refused") || out.startsWith("000"), out);
    }

    // ---- Shell helpers ----

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static String run(String cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + cmd);
        }
        if (p.exitValue() != 0) throw new IOException("`" + cmd + "` exited " + p.exitValue() + ": " + out.trim());
        return out;
    }

    private static void sh(String cmd) throws IOException, InterruptedException {
        run(cmd);
    }

    private static void ns(String cmd) throws IOException, InterruptedException {
        run("ip netns exec " + NS + " " + cmd);
    }

    private static String nsOut(String cmd) throws IOException, InterruptedException {
        return run("ip netns exec " + NS + " sh -c \"" + cmd.replace("\"", "\\\"") + "\"").trim();
    }

    private static boolean nsOk(String cmd) {
        try {
            run("ip netns exec " + NS + " sh -c \"" + cmd + "\"");
            return true;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static Process nsBackground(String cmd) throws IOException {
        return new ProcessBuilder("sh", "-c", "exec ip netns exec " + NS + " " + cmd)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void waitFor(java.util.function.BooleanSupplier ok, String what) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > end) fail("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }
}
