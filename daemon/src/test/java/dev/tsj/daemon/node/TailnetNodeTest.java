package dev.tsj.daemon.node;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tsj.control.EventLog;
import dev.tsj.control.admin.AdminClient;
import dev.tsj.control.core.TailnetConfig;
import dev.tsj.control.server.ControlServer;
import dev.tsj.control.server.ServerConfig;
import dev.tsj.daemon.router.NoopRouter;
import dev.tsj.daemon.wg.Clock;
import dev.tsj.daemon.wg.Device;
import dev.tsj.tun.MemoryPacketDevice;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tailnet nodes in one JVM against a real coordination server on 127.0.0.1: in-memory
 * TUNs, real WireGuard over loopback UDP, real registration, map sessions and state. What
 * `tsj up`, `down`, `logout`, `status` and `ping` do, without namespaces.
 */
class TailnetNodeTest {
    @TempDir
    Path dir;
    private ControlServer server;
    private String key;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        server = ControlServer.start(new ServerConfig(new InetSocketAddress("127.0.0.1", 0), dir.resolve("ctl"), null,
                TailnetConfig.defaults().withKeepAlive(Duration.ofSeconds(1))), EventLog.silent());
        AdminClient admin = new AdminClient(dir.resolve("ctl"));
        admin.createUser("alice");
        key = admin.createAuthKey("alice", true, false, false, null, List.of()).key();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        server.close();
    }

    private String url() {
        return "http://127.0.0.1:" + server.address().getPort();
    }

    private record Node(TailnetNode node, Device device, MemoryPacketDevice tun, StateStore store) {}

    private Node node(StateStore store) throws Exception {
        MemoryPacketDevice tun = new MemoryPacketDevice();
        Device device = new Device(tun, Clock.SYSTEM);
        device.listen(0);
        device.start(false);
        TailnetNode n = new TailnetNode(device, new NoopRouter(), store, "mem",
                port -> List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
        n.start();
        open.add(device);
        open.add(n);
        return new Node(n, device, tun, store);
    }

    private UpRequest up(String hostname, String authKey) {
        return new UpRequest(url(), authKey, hostname, null, null, null, null, false, 10_000);
    }

    private static void await(String what, BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void twoNodesJoinSeeEachOtherAndPingThroughWireGuard() throws Exception {
        Node a = node(new MemoryStateStore());
        Node b = node(new MemoryStateStore());
        StatusView.Up ua = a.node().up(up("alpha", key));
        StatusView.Up ub = b.node().up(up("beta", key));
        assertEquals("alpha", ua.name());
        assertEquals(2, ub.addresses().size());
        assertTrue(ub.addresses().get(0).startsWith("100."));
        assertTrue(ub.addresses().get(1).startsWith("fd7a:115c:a1e0:"), ub.addresses().get(1));
        await("alpha to see beta", () -> a.node().netMap() != null && a.node().netMap().peers().size() == 1);
        JsonNode st = a.node().status().toJson();
        assertEquals("Running", st.path("BackendState").asText());
        JsonNode peer = st.path("Peer").elements().next();
        assertEquals("beta", peer.path("HostName").asText());
        assertEquals(ub.addresses().get(0), peer.path("TailscaleIPs").path(0).asText());
        try (EchoHost host = new EchoHost(b.tun())) {
            // The first pings may go through the embedded relay while discovery proves the
            // direct path; within a few they must be direct, as tsj ping reports.
            StatusView.Pong pong = a.node().ping("beta", 5000);
            for (int i = 0; i < 20 && !pong.direct(); i++) {
                assertEquals("relay \"default\"", pong.via());
                Thread.sleep(100);
                pong = a.node().ping("beta", 5000);
            }
            assertEquals("beta", pong.peer());
            assertEquals(ub.addresses().get(0), pong.ip());
            assertTrue(pong.direct() && pong.via().startsWith("127.0.0.1:"), pong.via());
            assertTrue(pong.millis() > 0);
        }
        NodeException unknown = assertThrows(NodeException.class, () -> a.node().ping("nobody", 500));
        assertTrue(unknown.getMessage().contains("no peer"), unknown.getMessage());
    }

    @Test
    void unregisteredUpWithoutKeyAndBadFlagsAreRefusedClearly() throws Exception {
        Node a = node(new MemoryStateStore());
        NodeException e = assertThrows(NodeException.class, () -> a.node().up(up("alpha", null)));
        assertTrue(e.getMessage().contains("--auth-key"), e.getMessage());
        e = assertThrows(NodeException.class, () -> a.node().up(new UpRequest(url(), key, "alpha",
                List.of("203.0.113.5/24"), null, null, null, false, 5000)));
        assertTrue(e.getMessage().contains("203.0.113.0/24"), e.getMessage());
        e = assertThrows(NodeException.class, () -> a.node().up(new UpRequest(url(), key, "alpha",
                List.of("203.0.113.5/32"), null, null, null, false, 5000)));
        assertTrue(e.getMessage().contains("single host"), e.getMessage());
        e = assertThrows(NodeException.class, () -> a.node().up(up("alpha", "tskey-auth-nope")));
        assertTrue(e.getMessage().toLowerCase().contains("auth key"), e.getMessage());
        assertEquals("NeedsLogin", a.node().status().toJson().path("BackendState").asText());
    }

    @Test
    void stateSurvivesARestartAndKeepsTheAddress() throws Exception {
        Path stateFile = dir.resolve("node.state");
        Node first = node(new FileStateStore(stateFile));
        StatusView.Up u1 = first.node().up(up("gamma", key));
        first.node().close();
        first.device().close();
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(stateFile)));
        Node second = node(new FileStateStore(stateFile));
        await("the restarted node to be running again", () -> "Running".equals(
                second.node().status().toJson().path("BackendState").asText()));
        assertEquals(u1.addresses().get(0), second.node().status().toJson().path("TailscaleIPs").path(0).asText());
    }

    @Test
    void downKeepsTheRegistrationAndLogoutForgetsIt() throws Exception {
        Node a = node(new MemoryStateStore());
        Node b = node(new MemoryStateStore());
        a.node().up(up("alpha", key));
        b.node().up(up("beta", key));
        await("peers", () -> a.node().netMap() != null && a.node().netMap().peers().size() == 1);
        a.node().down();
        assertEquals("Stopped", a.node().status().toJson().path("BackendState").asText());
        assertTrue(a.device().peers().isEmpty(), "down removes every WireGuard peer");
        a.node().up(up("alpha", null)); // registered already: no key needed
        assertEquals("Running", a.node().status().toJson().path("BackendState").asText());
        a.node().logout();
        assertEquals("NeedsLogin", a.node().status().toJson().path("BackendState").asText());
        await("beta to lose alpha", () -> b.node().netMap().peers().isEmpty());
    }

    @Test
    void damagedStateFileIsReportedAndLeftAlone() throws Exception {
        Path stateFile = dir.resolve("broken.state");
        Files.writeString(stateFile, "{\"version\":1,\"machineKey\":\"abc");
        FileStateStore store = new FileStateStore(stateFile);
        java.io.IOException e = assertThrows(java.io.IOException.class, store::load);
        assertTrue(e.getMessage().contains("damaged") && e.getMessage().contains("left untouched"), e.getMessage());
        assertEquals("{\"version\":1,\"machineKey\":\"abc", Files.readString(stateFile));
    }
}
