package dev.tsj.tun.linux;

import static dev.tsj.tun.testing.Packets.buffers;
import static dev.tsj.tun.testing.Packets.pattern;
import static org.junit.jupiter.api.Assertions.*;

import dev.tsj.tun.link.IpCommandLinkConfigurator;
import dev.tsj.tun.link.IpPrefix;
import dev.tsj.tun.link.LinkConfigurator;
import dev.tsj.tun.testing.Netns;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LinuxTun against the real kernel. JNA opens /dev/net/tun in the test's own namespace, so
 * the TUN is created there (down, no addresses: it carries nothing) and moved into a
 * namespace made for the test, where it gets 100.64.7.1/24 and fd7a:115c:a1e0:7::1/64 and
 * all traffic happens. A {@link TunPeer} plays the hosts behind the TUN.
 */
class LinuxTunTest {
    private static final int MTU = 1420;
    private static final String V4_PEER = "100.64.7.2";
    private static final String V6_PEER = "fd7a:115c:a1e0:7::2";

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsRoot() {
        Netns.requireRoot();
    }

    private static String tunName(String tag) {
        return "tn-" + tag + ProcessHandle.current().pid() % 1_000_000;
    }

    /** A TUN inside {@code ns}, addressed and up. */
    private static LinuxTun openIn(Netns ns, boolean offloads) throws IOException {
        String name = tunName("t");
        Netns.run(10, "ip", "link", "del", "dev", name); // a leftover of a crashed run
        LinuxTun tun = LinuxTun.open(name, MTU, offloads);
        try {
            Netns.check(Netns.run(10, "ip", "link", "set", "dev", name, "netns", ns.name()), "moving " + name);
            LinkConfigurator link = IpCommandLinkConfigurator.inNamespace(ns.name());
            link.addAddress(name, IpPrefix.parse("100.64.7.1/24"));
            link.addAddress(name, IpPrefix.parse("fd7a:115c:a1e0:7::1/64"));
            link.setUp(name, true);
            return tun;
        } catch (IOException | RuntimeException e) {
            tun.close();
            throw e;
        }
    }

    /** The body of a scenario: runs while the TUN is open in {@code ns} with {@code peer} behind it. */
    private interface Scenario {
        void run(Netns ns, LinuxTun tun, TunPeer peer) throws Exception;
    }

    /** A finished scenario: the (closed) device, for its stats, and the peer, for what it saw. */
    private record Outcome(LinuxTun tun, TunPeer peer) {}

    /**
     * Runs {@code body} with a TUN in a fresh namespace and a {@link TunPeer} behind it, then
     * closes both and checks that every packet the peer read was valid (at most the MTU, good
     * checksums).
     */
    private static Outcome scenario(String tag, boolean offloads, byte[] sourceData, Scenario body) throws Exception {
        try (Netns ns = Netns.create(tag)) {
            LinuxTun tun = openIn(ns, offloads);
            TunPeer peer = new TunPeer(tun, sourceData);
            try {
                assertEquals(offloads, tun.offloads().vnetHdr(), "offloads " + tun.offloads());
                body.run(ns, tun, peer);
            } finally {
                tun.close();
                peer.close();
            }
            assertNull(peer.failure(), () -> "peer failed: " + peer.failure());
            assertEquals(List.of(), peer.problems(), "every packet read is at most the MTU with valid checksums");
            return new Outcome(tun, peer);
        }
    }

    @ParameterizedTest(name = "offloads {0}")
    @ValueSource(booleans = {true, false})
    void pingsAreReadAndRepliesWrittenBack(boolean offloads) throws Exception {
        Outcome o = scenario("lp", offloads, new byte[0], (ns, tun, peer) -> {
            if (offloads) assertTrue(tun.offloads().tso(), "this kernel takes TSO: " + tun.offloads());
            for (String target : List.of(V4_PEER, V6_PEER)) {
                Netns.Result r = ns.exec(20, "ping", "-n", "-c", "3", "-i", "0.2", "-W", "3", target);
                assertEquals(0, r.exitCode(), r.output());
                assertTrue(r.output().contains("3 received"), r.output());
            }
        });
        assertEquals(6, o.peer().echoReplies());
        assertTrue(o.tun().stats().packetsWritten() >= 6, o.tun().stats().toString());
    }

    @ParameterizedTest(name = "offloads {0}, IPv6 {1}")
    @CsvSource({"true, false", "true, true", "false, false", "false, true"})
    void tcpStreamIntoTheTunArrivesAsValidMtuSizedPackets(boolean offloads, boolean v6) throws Exception {
        byte[] data = pattern(2_000_000, 11);
        Path file = Files.write(tmp.resolve("upload.bin"), data);
        Outcome o = scenario("ls", offloads, new byte[0], (ns, tun, peer) -> {
            String target = "/dev/tcp/" + (v6 ? V6_PEER : V4_PEER) + "/" + TunPeer.SINK_PORT;
            Netns.Result r = ns.exec(60, "bash", "-c", "cat " + file + " > " + target);
            assertEquals(0, r.exitCode(), r.output());
            for (int i = 0; i < 200 && !peer.sinkFinished(); i++) Thread.sleep(50);
            assertTrue(peer.sinkFinished(), "the FIN arrived after " + peer.sunk().length + " bytes");
        });
        assertArrayEquals(data, o.peer().sunk());
        TunStats stats = o.tun().stats();
        if (offloads) {
            assertTrue(stats.superPacketsRead() > 0, "the kernel handed over TSO super-packets: " + stats);
            assertTrue(stats.packetsRead() > stats.superPacketsRead(), stats.toString());
        } else {
            assertEquals(0, stats.superPacketsRead(), stats.toString());
        }
        assertEquals(0, stats.readsDropped(), stats.toString());
    }

    @ParameterizedTest(name = "offloads {0}, IPv6 {1}")
    @CsvSource({"true, false", "true, true", "false, false", "false, true"})
    void batchWrittenToTheTunIsCoalescedAndDelivered(boolean offloads, boolean v6) throws Exception {
        byte[] data = pattern(50_000, 12);
        Path out = tmp.resolve("download.bin");
        Outcome o = scenario("lg", offloads, data, (ns, tun, peer) -> {
            String source = "/dev/tcp/" + (v6 ? V6_PEER : V4_PEER) + "/" + TunPeer.SOURCE_PORT;
            Netns.Result r = ns.exec(60, "bash", "-c", "cat < " + source + " > " + out);
            assertEquals(0, r.exitCode(), r.output());
        });
        assertArrayEquals(data, Files.readAllBytes(out), "what the kernel delivered to the reading socket");
        TunStats stats = o.tun().stats();
        if (offloads) assertTrue(stats.superPacketsWritten() > 0, "the data went in as GSO super-packets: " + stats);
        else assertEquals(0, stats.superPacketsWritten(), stats.toString());
        assertEquals(0, stats.writesDropped(), stats.toString());
    }

    private static final String UDP_RECEIVER = String.join("\n",
            "import hashlib, socket, sys",
            "family = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET",
            "s = socket.socket(family, socket.SOCK_DGRAM)",
            "s.bind((sys.argv[1], int(sys.argv[2])))",
            "s.settimeout(10)",
            "print('READY', flush=True)",
            "for _ in range(int(sys.argv[3])):",
            "    d = s.recv(65535)",
            "    print(len(d), hashlib.sha256(d).hexdigest(), flush=True)");

    @ParameterizedTest(name = "offloads {0}, IPv6 {1}")
    @CsvSource({"true, false", "true, true", "false, false", "false, true"})
    void udpBatchWrittenToTheTunReachesTheSocketDatagramByDatagram(boolean offloads, boolean v6) throws Exception {
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 12; i++) payloads.add(pattern(i < 11 ? 1200 : 300, 20 + i));
        String local = v6 ? "fd7a:115c:a1e0:7::1" : "100.64.7.1";
        Outcome o = scenario("lu", offloads, new byte[0], (ns, tun, peer) -> {
            Process receiver = ns.start("python3", "-c", UDP_RECEIVER, local, "5003", "12");
            try {
                var lines = new BufferedReader(new InputStreamReader(receiver.getInputStream()));
                assertEquals("READY", lines.readLine());
                byte[] from = InetAddress.ofLiteral(v6 ? V6_PEER : V4_PEER).getAddress();
                peer.sendUdp(v6, from, InetAddress.ofLiteral(local).getAddress(), 5003, payloads);
                for (byte[] p : payloads) {
                    String expected = p.length + " " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(p));
                    assertEquals(expected, lines.readLine(), "datagrams arrive one by one, in order, intact");
                }
                assertTrue(receiver.waitFor(10, TimeUnit.SECONDS));
            } finally {
                receiver.destroyForcibly();
            }
        });
        TunStats stats = o.tun().stats();
        if (offloads && o.tun().offloads().uso()) assertTrue(stats.superPacketsWritten() > 0, stats.toString());
        else assertEquals(0, stats.superPacketsWritten(), stats.toString());
    }

    private static final String UDP_GSO_SENDER = String.join("\n",
            "import socket, sys",
            "family = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET",
            "s = socket.socket(family, socket.SOCK_DGRAM)",
            "s.setsockopt(socket.IPPROTO_UDP, 103, 1000)  # UDP_SEGMENT: the kernel cuts 1000-byte datagrams",
            "data = bytes((i * 13 + i // 256) & 0xff for i in range(9500))",
            "s.sendto(data, (sys.argv[1], int(sys.argv[2])))");

    @ParameterizedTest(name = "offloads {0}, IPv6 {1}")
    @CsvSource({"true, false", "true, true", "false, false", "false, true"})
    void udpGsoSendIsReadAsSeparateDatagrams(boolean offloads, boolean v6) throws Exception {
        byte[] data = new byte[9500];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 13 + i / 256);
        Outcome o = scenario("lv", offloads, new byte[0], (ns, tun, peer) -> {
            Netns.Result r = ns.exec(20, "python3", "-c", UDP_GSO_SENDER, v6 ? V6_PEER : V4_PEER,
                    Integer.toString(TunPeer.UDP_SINK_PORT));
            assertEquals(0, r.exitCode(), r.output());
            for (int i = 0; i < 200 && peer.datagrams().size() < 10; i++) Thread.sleep(50);
        });
        List<byte[]> got = o.peer().datagrams();
        assertEquals(10, got.size(), "9500 bytes in 1000-byte datagrams");
        for (int i = 0; i < 10; i++) {
            assertArrayEquals(Arrays.copyOfRange(data, i * 1000, Math.min(data.length, (i + 1) * 1000)), got.get(i));
        }
        TunStats stats = o.tun().stats();
        if (offloads && o.tun().offloads().uso()) assertTrue(stats.superPacketsRead() > 0, "a USO super-packet: " + stats);
        else assertEquals(0, stats.superPacketsRead(), stats.toString());
    }

    @Test
    void closeWakesABlockedReaderAndRemovesTheInterface() throws Exception {
        String name = tunName("c");
        Netns.run(10, "ip", "link", "del", "dev", name);
        LinuxTun tun = LinuxTun.open(name, MTU, true); // down, no addresses: nothing can arrive
        assertEquals(0, Netns.run(10, "ip", "link", "show", "dev", name).exitCode(), "the interface exists while open");
        ByteBuffer[] bufs = buffers(4, 16 + MTU);
        int[] sizes = new int[4];
        CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return tun.read(bufs, sizes, 16);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(200); // let the reader block; the assertions hold either way
        tun.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> reader.get(10, TimeUnit.SECONDS));
        assertInstanceOf(ClosedChannelException.class, e.getCause().getCause());
        assertThrows(ClosedChannelException.class, () -> tun.read(bufs, sizes, 16));
        assertThrows(ClosedChannelException.class, () -> tun.write(bufs, new int[] {20}, 16, 1));
        assertNotEquals(0, Netns.run(10, "ip", "link", "show", "dev", name).exitCode(), "the interface is gone after close");
        tun.close(); // twice is fine
    }

    @Test
    void namesAndMtuAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> LinuxTun.open("a-name-longer-than-15", MTU));
        assertThrows(IllegalArgumentException.class, () -> LinuxTun.open("bad/name", MTU));
        assertThrows(IllegalArgumentException.class, () -> LinuxTun.open("tn-x", 100));
    }

    @Test
    void withoutNetAdminTheErrorIsOneLineNamingUserspaceNetworking() throws Exception {
        String line = probe("capsh", "--drop=cap_net_admin", "--", "-c", javaCommand(tunName("p")));
        assertTrue(line.startsWith("UNAVAILABLE "), line);
        assertTrue(line.contains("permission denied"), line);
        assertTrue(line.contains("--tun=userspace-networking"), line);
    }

    @Test
    void withoutDevNetTunTheErrorIsOneLineNamingUserspaceNetworking() throws Exception {
        // A private mount namespace where /dev/net is an empty tmpfs: the device is missing.
        String line = probe("unshare", "-m", "sh", "-c", "mount -t tmpfs none /dev/net && " + javaCommand(tunName("p")));
        assertTrue(line.startsWith("UNAVAILABLE "), line);
        assertTrue(line.contains("/dev/net/tun is missing"), line);
        assertTrue(line.contains("--tun=userspace-networking"), line);
    }

    /** Runs a probe JVM under {@code wrapper} and returns its one line of output. */
    private static String probe(String... command) throws IOException {
        Netns.Result r = Netns.run(60, command);
        List<String> lines = r.output().lines().filter(l -> !l.startsWith("WARNING")).toList();
        assertEquals(1, lines.size(), "one line: " + r.output());
        return lines.get(0);
    }

    private static String javaCommand(String tunName) {
        String java = ProcessHandle.current().info().command().orElse("java");
        return "exec '" + java + "' --enable-native-access=ALL-UNNAMED -cp '" + System.getProperty("java.class.path")
                + "' " + TunOpenProbe.class.getName() + " " + tunName;
    }
}
