package dev.tsj.it.tailnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.it.BgProcess;
import dev.tsj.it.CmdResult;
import dev.tsj.it.Netns;
import dev.tsj.it.Poll;
import dev.tsj.tun.netstack.NetStackConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 6 under load: a TUN node {@code t} and a userspace node {@code u} (nobody, no
 * capabilities, SOCKS5 on its 127.0.0.1) on two underlay segments (198.18.80.0/24 and
 * 198.18.81.0/24) joined by a router {@code m} that can impair what it forwards (2% loss,
 * 20 ms +- 5 ms each way; see {@link ImpairedRouter}). {@code t} serves blobs on its tailnet
 * address, {@code u} on its own 127.0.0.1 only. The stalled-reader test runs first, while
 * the daemon's heap is still small, and the impaired transfers run during its stall.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UserspaceLoadIT extends LabSuite {
    private static final String CTL = "198.18.80.10";
    private static final String T = "198.18.80.11";
    private static final String M_A = "198.18.80.1";
    private static final String M_B = "198.18.81.1";
    private static final String U = "198.18.81.12";
    private static final int PAGE_PORT = 8080;
    private static final int LOCAL_PORT = 8081;
    private static final int SOCKS = 1055;
    private static final long MIB = 1 << 20;
    private static final long BIG = 200 * MIB;
    /** Loss-limited TCP at 2% and ~40 ms RTT moves a few Mbit/s: a smaller transfer. */
    private static final long IMPAIRED = 8 * MIB;
    private static final int CONCURRENT = 500;
    private static final Duration STALL = Duration.ofSeconds(30);
    /** Stalled downloads per direction, each far more than the buffers that may hold it. */
    private static final int STALLED = 4;
    private static final long STALLED_SIZE = 48 * MIB;
    /** Per connection besides the stack's buffers: the relay's two 32 KiB chunks and the proxy's 16 KiB reader. */
    private static final long RELAY_BYTES = 128 * 1024;
    /** The JVM's own noise (GC headroom, JIT, thread stacks) on top of the buffers. */
    private static final long SLACK = 48 * MIB;
    private static final Duration CONVERGE = Duration.ofSeconds(30);

    private ControlServer server;
    private TsjNode t;
    private TsjNode u;
    private ImpairedRouter router;
    /** The impaired transfers, when the stall test ran them. */
    private CompletableFuture<Impaired> impairedRun;

    @BeforeAll
    void buildTopology() throws Exception {
        TailnetRequirements.check();
        lab = Lab.create("ul", UserspaceLoadIT.class);
        Path home = Nobody.home(lab);
        Segment a = Segment.create(lab, "a");
        Segment b = Segment.create(lab, "b");
        Netns m = lab.host("m");
        String ma = a.attach(m, "ma", M_A + "/24");
        String mb = b.attach(m, "mb", M_B + "/24");
        Netns ctl = lab.host("ctl");
        a.attach(ctl, "ctl", CTL + "/24");
        Netns nsT = lab.host("t");
        a.attach(nsT, "t", T + "/24");
        Netns nsU = lab.host("u");
        b.attach(nsU, "u", U + "/24");
        for (Netns n : List.of(ctl, nsT)) {
            n.run("ip", "route", "add", "default", "via", M_A);
        }
        nsU.run("ip", "route", "add", "default", "via", M_B);
        router = ImpairedRouter.start(lab, m, List.of(ma, mb), lab.ifName("imp"), 0.02, 20, 5);
        server = new ControlServer(lab, ctl, CTL).start();

        BgProcess tWeb = nsT.spawn("t-web", lab.logs.resolve("t-web.log"), Map.of(), "python3", "-u",
                TestScripts.path("tailnet/lan_server.py"), Integer.toString(PAGE_PORT));
        BgProcess uLocal = nsU.spawn("u-local", lab.logs.resolve("u-local.log"), Map.of(), "python3", "-u",
                TestScripts.path("tailnet/lan_server.py"), Integer.toString(LOCAL_PORT), "127.0.0.1");
        t = new TsjNode(lab, nsT, "t");
        u = TsjNode.withFilesIn(lab, nsU, "u", home).userspace(Nobody.RUN_AS, "--socks5-server", "127.0.0.1:" + SOCKS);
        server.createUser("ul");
        String key = server.createKey("ul", "--reusable");
        t.start();
        u.start();
        t.upOk(server, key);
        u.upOk(server, key);
        Poll.until(CONVERGE, "t and u to see each other", () -> t.diagnostics() + u.diagnostics(),
                () -> t.peerNames().contains("u") && u.peerNames().contains("t"));
        for (BgProcess p : List.of(tWeb, uLocal)) {
            Poll.until(Duration.ofSeconds(10), p.name() + " to listen", p::tail, () -> p.output().contains("listening"));
        }
        // Warm-up, both ways: the path works, and the JIT has compiled the data path before RSS is measured.
        Poll.until(CONVERGE, "a page from t through u's SOCKS5 proxy", u::diagnostics,
                () -> u.ns.exec(Duration.ofSeconds(10), "curl", "-sf", "--max-time", "5", "--socks5-hostname", "127.0.0.1:" + SOCKS,
                        "http://" + t.ipv4() + ":" + PAGE_PORT + "/whoami").ok());
        socksDownload(32 * MIB, Duration.ofSeconds(60)).check(32 * MIB);
        inboundDownload(32 * MIB, Duration.ofSeconds(60)).check(32 * MIB);
    }

    @Test
    @Order(1)
    void aReaderThatStopsReadingCostsTheDaemonNoMoreThanItsBuffers() throws Exception {
        NetStackConfig stack = NetStackConfig.builder().build(); // what the daemon runs with (it sets only the MTU)
        long rssBefore = rssBytes();
        Path go = lab.work.resolve("stall-over");
        String size = Long.toString(STALLED_SIZE);
        // Both ways: SOCKS5 downloads on u fill the stack's receive buffers, downloads on t
        // from u's 127.0.0.1 its send buffers.
        BgProcess viaSocks = u.ns.spawn("stall-socks", lab.logs.resolve("stall-socks.log"), Map.of(), "python3", "-u",
                TestScripts.path("userspace/load_client.py"), "stall", Integer.toString(STALLED), "socks:" + SOCKS, t.ipv4(),
                Integer.toString(PAGE_PORT), size, go.toString());
        BgProcess inbound = t.ns.spawn("stall-inbound", lab.logs.resolve("stall-inbound.log"), Map.of(), "python3", "-u",
                TestScripts.path("userspace/load_client.py"), "stall", Integer.toString(STALLED), "direct", u.ipv4(),
                Integer.toString(LOCAL_PORT), size, go.toString());
        for (BgProcess p : List.of(viaSocks, inbound)) {
            Poll.until(Duration.ofSeconds(60), p.name() + " to stall with its buffers full", p::tail, () -> {
                if (!p.alive()) {
                    throw new AssertionError(p.name() + " exited\n" + p.tail() + u.diagnostics());
                }
                return p.output().contains("filled");
            });
        }
        long stallStart = System.nanoTime();
        // The impaired transfers use the stall's 30 s; they are checked in their own test.
        impairedRun = CompletableFuture.supplyAsync(this::transfersOverTheImpairedUnderlay);
        List<Long> samples = new ArrayList<>();
        while (System.nanoTime() - stallStart < STALL.toNanos() || !impairedRun.isDone()) {
            samples.add(rssBytes());
            Thread.sleep(1000); // sampling RSS once a second while the readers hold still
        }
        long stalledFor = (System.nanoTime() - stallStart) / 1_000_000_000L;
        Files.writeString(go, "go\n");
        for (BgProcess p : List.of(viaSocks, inbound)) {
            assertEquals(0, p.awaitExit(Duration.ofSeconds(120)), p.name() + " read everything once resumed\n" + p.tail());
            assertTrue(p.output().contains("verified " + STALLED + " x " + size), p.tail());
        }
        long peak = samples.stream().mapToLong(Long::longValue).max().orElseThrow();
        // The stalled connections, and the two impaired transfers running meanwhile.
        int connections = 2 * STALLED + 2;
        long bound = connections * (stack.tcpSendBuffer() + stack.tcpReceiveBuffer() + RELAY_BYTES) + SLACK;
        System.out.printf("[ul] RSS of u's tsjd: %d MiB before, %s MiB during a %d s stall of %d readers (%d MiB each) plus"
                        + " 2 impaired transfers; peak +%d MiB, bound +%d MiB (%d connections x (%d KiB send + %d KiB receive"
                        + " + %d KiB relay) + %d MiB)%n", rssBefore / MIB, samples.stream().map(s -> Long.toString(s / MIB)).toList(),
                stalledFor, 2 * STALLED, STALLED_SIZE / MIB, (peak - rssBefore) / MIB, bound / MIB, connections,
                stack.tcpSendBuffer() / 1024, stack.tcpReceiveBuffer() / 1024, RELAY_BYTES / 1024, SLACK / MIB);
        assertTrue(peak - rssBefore <= bound, "u's tsjd grew by " + (peak - rssBefore) / MIB + " MiB with "
                + 2 * STALLED + " stalled readers, more than " + bound / MIB + " MiB: buffering without bound?");
    }

    @Test
    @Order(2)
    void transfersOverAnImpairedUnderlayCompleteIntact() throws Exception {
        Impaired r = impairedRun != null ? impairedRun.join() : transfersOverTheImpairedUnderlay();
        // The SOCKS5 download's sender is t's kernel TCP, whose congestion control decides how
        // it copes with random loss (BBR hardly slows down, CUBIC and Reno do); the other
        // direction's sender is the userspace stack's NewReno.
        String cc = t.ns.exec("sysctl", "-n", "net.ipv4.tcp_congestion_control").output().strip();
        System.out.printf("[ul] impaired underlay (2%% loss, 20 +- 5 ms each way): %s%n[ul]   SOCKS5 download on u (sent by t's"
                + " kernel, %s): %s%n[ul]   t from u's 127.0.0.1 (sent by u's stack, NewReno): %s%n", r.link, cc, r.socks, r.inbound);
        r.socks.check(IMPAIRED);
        r.inbound.check(IMPAIRED);
        assertTrue(r.link.dropped() > 0 && r.link.reordered() > 0, "the link dropped and reordered packets: " + r.link);
    }

    @Test
    @Order(3)
    void twoHundredMegabytesEachWayArriveIntact() {
        Transfer socks = socksDownload(BIG, Duration.ofSeconds(120));
        Transfer inbound = inboundDownload(BIG, Duration.ofSeconds(120));
        System.out.printf("[ul] clean underlay: SOCKS5 download on u: %s%n[ul]   t from u's 127.0.0.1: %s%n", socks, inbound);
        socks.check(BIG);
        inbound.check(BIG);
    }

    @Test
    @Order(4)
    void fiveHundredConcurrentConnectionsThroughSocks5Complete() throws Exception {
        assertTrue(NetStackConfig.builder().build().maxTcpConnections() >= CONCURRENT, "the stack's default connection cap");
        long start = System.nanoTime();
        CmdResult r = u.ns.exec(Duration.ofSeconds(120), "python3", TestScripts.path("userspace/load_client.py"), "many",
                Integer.toString(CONCURRENT), "socks:" + SOCKS, t.ipv4(), Integer.toString(PAGE_PORT));
        System.out.printf("[ul] %s (%.1f s)%n", r.output().strip(), (System.nanoTime() - start) / 1e9);
        assertTrue(r.ok() && r.output().contains("connected " + CONCURRENT + " of " + CONCURRENT + " at once; fetched "
                + CONCURRENT + " of " + CONCURRENT), r.describe() + u.diagnostics());
    }

    /** With the underlay impaired: IMPAIRED bytes each way at the same time. */
    private Impaired transfersOverTheImpairedUnderlay() {
        ImpairedRouter.Stats before = router.stats();
        router.impair(true);
        try {
            CompletableFuture<Transfer> socks = CompletableFuture.supplyAsync(() -> socksDownload(IMPAIRED, Duration.ofSeconds(170)));
            Transfer inbound = inboundDownload(IMPAIRED, Duration.ofSeconds(170));
            return new Impaired(socks.join(), inbound, router.stats().minus(before));
        } finally {
            router.impair(false);
        }
    }

    private Transfer socksDownload(long bytes, Duration timeout) {
        return download(u.ns, "--socks5-hostname 127.0.0.1:" + SOCKS + " http://" + address(t) + ":" + PAGE_PORT, bytes, timeout);
    }

    private Transfer inboundDownload(long bytes, Duration timeout) {
        return download(t.ns, "http://" + address(u) + ":" + LOCAL_PORT, bytes, timeout);
    }

    private static String address(TsjNode n) {
        try {
            return n.ipv4();
        } catch (Exception e) {
            throw new AssertionError("no tailnet address for " + n.name, e);
        }
    }

    /** curl's download of a blob of {@code bytes} from {@code base}, hashed as it arrives. */
    private static Transfer download(Netns from, String base, long bytes, Duration timeout) {
        long start = System.nanoTime();
        CmdResult r = from.exec(timeout.plusSeconds(10), "bash", "-o", "pipefail", "-c", "curl -sS --fail --max-time "
                + timeout.toSeconds() + " " + base + "/blob/" + bytes + "/0 | sha256sum");
        return new Transfer(r, bytes, (System.nanoTime() - start) / 1e9);
    }

    private long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(u.daemon().pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.split("\\s+")[1]) * 1024;
            }
        }
        throw new AssertionError("no VmRSS for u's tsjd");
    }

    private record Transfer(CmdResult result, long bytes, double seconds) {
        void check(long expected) {
            assertTrue(result.ok(), result.describe());
            assertEquals(TestScripts.blobSha256(expected), result.output().split(" ")[0], "sha256 of " + expected + " bytes");
        }

        @Override
        public String toString() {
            return String.format("%d MiB in %.1f s, %.1f Mbit/s%s", bytes / MIB, seconds, bytes * 8 / seconds / 1e6,
                    result.ok() ? "" : " (FAILED)");
        }
    }

    private record Impaired(Transfer socks, Transfer inbound, ImpairedRouter.Stats link) {}
}
