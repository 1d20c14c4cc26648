package dev.tsj.it.tailnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tsj.it.CmdResult;
import dev.tsj.it.Iperf;
import dev.tsj.it.Netns;
import dev.tsj.it.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 4, the tailnet as a user runs it: a coordination server and three tsjd nodes in
 * network namespaces on one underlay segment (198.18.40.0/24, 2001:db8:40::/64) join with
 * one reusable key; then joining, deleting, server outages, ephemeral nodes, spent and
 * expired keys and node restarts (bad input is {@link TailnetBadInputIT}'s). One topology
 * for the class; the tests run in order and each leaves the three nodes up.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TailnetIT extends LabSuite {
    private static final String USER = "alice";
    private static final String SERVER_V4 = "198.18.40.10";
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Segment underlay;
    private ControlServer server;
    private final List<TsjNode> nodes = new ArrayList<>();
    /** The namespace that hosts the fourth, ephemeral and throw-away nodes in turn. */
    private Netns spare;
    private String reusableKey;
    private TsjNode fourth;
    /** The server's id of n4, which the deletion test removes. */
    private long deletedId = -1;

    @BeforeAll
    void buildTailnet() throws Exception {
        TailnetRequirements.check();
        lab = Lab.create("a", TailnetIT.class);
        underlay = Segment.create(lab, "sw");
        Netns ctl = lab.host("ctl");
        underlay.attach(ctl, "ctl", SERVER_V4 + "/24", "2001:db8:40::10/64");
        server = new ControlServer(lab, ctl, SERVER_V4, "--ephemeral-timeout", "5s").start();
        for (int i = 1; i <= 3; i++) {
            Netns ns = lab.host("n" + i);
            underlay.attach(ns, "n" + i, "198.18.40." + (10 + i) + "/24", "2001:db8:40::" + (10 + i) + "/64");
            nodes.add(new TsjNode(lab, ns, "n" + i));
        }
        spare = lab.host("n4");
        underlay.attach(spare, "n4", "198.18.40.14/24", "2001:db8:40::14/64");
        server.createUser(USER);
        reusableKey = server.createKey(USER, "--reusable");
        // Daemons start in parallel (JVM start-up dominates); each joins with the same key.
        CompletableFuture.allOf(nodes.stream().map(n -> CompletableFuture.runAsync(n::start)).toArray(CompletableFuture[]::new)).join();
        CompletableFuture.allOf(nodes.stream().map(n -> CompletableFuture.runAsync(() -> n.upOk(server, reusableKey)))
                .toArray(CompletableFuture[]::new)).join();
        for (TsjNode n : nodes) {
            awaitPeers(n, others(n).stream().map(o -> o.name).toList());
        }
    }

    @Test
    @Order(1)
    void everyNodeListsTheOtherTwoWithTheirAddresses() throws Exception {
        for (TsjNode n : nodes) {
            JsonNode st = n.status();
            assertEquals("Running", st.path("BackendState").asText(), n.name + ": " + st.toPrettyString());
            assertEquals(2, st.path("Peer").size(), n.name + " lists exactly the other two: " + st.toPrettyString());
            for (TsjNode o : others(n)) {
                JsonNode self = o.status().path("Self");
                JsonNode p = TsjNode.peerIn(st, o.name).orElseThrow(() -> new AssertionError(n.name + " does not list " + o.name));
                assertEquals(self.path("TailscaleIPs"), p.path("TailscaleIPs"), n.name + "'s view of " + o.name + "'s addresses");
                assertEquals(self.path("PublicKey"), p.path("PublicKey"), n.name + "'s view of " + o.name + "'s key");
                assertEquals(List.of(o.ipv4() + "/32", o.ipv6() + "/128"), texts(p.path("AllowedIPs")),
                        n.name + " routes exactly " + o.name + "'s addresses to it");
                assertTrue(inCgnatRange(o.ipv4()), o.ipv4() + " is in 100.64.0.0/10");
                assertTrue(o.ipv6().startsWith("fd7a:115c:a1e0:"), o.ipv6() + " is in fd7a:115c:a1e0::/48");
            }
        }
        // The CLI says the same as the LocalAPI: tsj ip PEER and tsj status.
        TsjNode n1 = nodes.get(0);
        TsjNode n2 = nodes.get(1);
        CmdResult ip = n1.tsj("ip", "-4", n2.name).check();
        assertEquals(n2.ipv4(), ip.output().strip());
        CmdResult status = n1.tsj("status").check();
        for (TsjNode o : nodes) {
            assertTrue(status.output().contains(o.ipv4()) && status.output().contains(o.name), "tsj status lists " + o.name + ":\n" + status.output());
        }
    }

    @Test
    @Order(2)
    void pingAndTcpWorkBetweenEveryPair() throws Exception {
        for (int i = 0; i < nodes.size(); i++) {
            for (int j = 0; j < nodes.size(); j++) {
                if (i == j) {
                    continue;
                }
                TsjNode from = nodes.get(i);
                TsjNode to = nodes.get(j);
                for (String addr : List.of(to.ipv4(), to.ipv6())) {
                    Pings.assertReplies(from.ns, addr, () -> from.diagnostics() + to.diagnostics());
                }
                if (i < j) {
                    // A TCP transfer each way per pair, IPv4 one way and IPv6 back.
                    new Iperf(to.ns, to.ipv4(), from.ns, Iperf.DEFAULT_PORT, lab.logs, () -> from.diagnostics() + to.diagnostics())
                            .transfer(from.name + "-to-" + to.name + "-v4", 2, false, Duration.ofSeconds(60));
                    new Iperf(from.ns, from.ipv6(), to.ns, Iperf.DEFAULT_PORT, lab.logs, () -> from.diagnostics() + to.diagnostics())
                            .transfer(to.name + "-to-" + from.name + "-v6", 2, false, Duration.ofSeconds(60));
                }
            }
        }
        CmdResult tsjPing = nodes.get(0).tsj("ping", nodes.get(2).name, "-c", "1").check();
        assertTrue(tsjPing.output().contains("pong from " + nodes.get(2).name), tsjPing.output());
    }

    @Test
    @Order(3)
    void restartingANodeKeepsItsAddresses() throws Exception {
        TsjNode n2 = nodes.get(1);
        String v4 = n2.ipv4();
        String v6 = n2.ipv6();
        n2.stop();
        n2.start();
        Poll.until(CONVERGE, n2.name + " to come back up by itself after a restart", n2::diagnostics,
                () -> n2.status().path("BackendState").asText().equals("Running"));
        assertEquals(List.of(v4, v6), texts(n2.status().path("TailscaleIPs")), "addresses after the restart");
        TsjNode n1 = nodes.get(0);
        assertEquals(Optional.of(List.of(v4, v6)), n1.peer(n2.name).map(p -> texts(p.path("TailscaleIPs"))), "n1's view after the restart");
        // n1 and n3 still hold sessions n2 forgot; plain WireGuard recovers once their 15 s
        // rekey timeout (KEEPALIVE_TIMEOUT + REKEY_TIMEOUT) fires. Both wait at once.
        List<CompletableFuture<Double>> gaps = others(n2).stream().map(o -> CompletableFuture.supplyAsync(
                () -> Pings.secondsToFirstReply(o.ns, v4, Duration.ofSeconds(30), () -> o.diagnostics() + n2.diagnostics()))).toList();
        for (int i = 0; i < gaps.size(); i++) {
            System.out.printf("[tailnet] %s reached the restarted n2 after %.1f s%n", others(n2).get(i).name, gaps.get(i).join());
        }
    }

    @Test
    @Order(4)
    void aFourthNodeAppearsInTheOthersStatusWithinTwoSeconds() throws Exception {
        TsjNode n4 = new TsjNode(lab, spare, "n4").start();
        fourth = n4;
        n4.upOk(server, reusableKey);
        long joined = System.nanoTime();
        for (TsjNode n : nodes) {
            Poll.until(CONVERGE, n.name + " to list n4", n::diagnostics, () -> n.peer("n4").isPresent());
        }
        double seconds = (System.nanoTime() - joined) / 1e9;
        System.out.printf("[tailnet] a joining node was in every peer's status %.2f s after tsj up returned%n", seconds);
        assertTrue(seconds <= 2.0, "n4 took " + seconds + " s to reach every peer's status (at most 2 s)");
        Pings.assertReplies(nodes.get(0).ns, n4.ipv4(), () -> n4.diagnostics());
    }

    /**
     * After {@code tsj control nodes delete}, the others drop the node from their netmaps
     * and from WireGuard: its key, still in the hands of whoever held the node, gets no
     * handshake and no reply. The same key and setup do get replies before the deletion,
     * so the refusal afterwards is the deletion's doing.
     */
    @Test
    @Order(5)
    void aDeletedNodeLeavesEveryNetmapAndItsTrafficIsRefused() throws Exception {
        TsjNode n4 = fourth;
        assertTrue(n4 != null && n4.running(), "n4 joined in the previous test");
        String v4 = n4.ipv4();
        String n4Key = KeyHolder.base64(n4.status().path("Self").path("PublicKey").asText());
        String key = JSON.readTree(Files.readString(n4.state)).path("nodeKey").asText();
        TsjNode n1 = nodes.get(0);
        String n1Key = n1.status().path("Self").path("PublicKey").asText();
        n4.stop();
        try (KeyHolder holder = KeyHolder.start(lab, spare, lab.ifName("n4k"), key, TsjNode.WG_PORT, v4 + "/32")) {
            holder.addPeer(n1Key, "198.18.40.11:" + TsjNode.WG_PORT, n1.ipv4() + "/32");
            // n4's key is still a member: n1 answers it.
            Pings.assertReplies(spare, n1.ipv4(), 2, Duration.ofSeconds(20), () -> holder.diagnostics() + n1.diagnostics());

            deletedId = nodeId("n4");
            CmdResult del = server.admin("nodes", "delete", "n4").check();
            assertTrue(del.output().contains("n4"), del.output());
            for (TsjNode n : nodes) {
                Poll.until(CONVERGE, n.name + " to drop n4", n::diagnostics, () -> n.peer("n4").isEmpty());
                String peers = n.ns.run("wg", "show", n.tun, "peers");
                assertFalse(peers.contains(n4Key), n.name + "'s WireGuard still has n4's key:\n" + peers);
            }
            Pings.assertNoReply(spare, n1.ipv4(), 15, Duration.ofSeconds(6), () -> holder.diagnostics() + n1.diagnostics());
            assertTrue(server.adminJson("nodes", "list").findValuesAsText("name").stream().noneMatch("n4"::equals), "n4 is gone from nodes list");
        }
    }

    @Test
    @Order(6)
    void stoppingTheServerLeavesTrafficFlowingAndRestartingItBringsEveryoneBack() throws Exception {
        server.stop();
        try {
            for (TsjNode from : nodes) {
                for (TsjNode to : others(from)) {
                    Pings.assertReplies(from.ns, to.ipv4(), () -> "with the server down\n" + from.diagnostics() + to.diagnostics());
                }
                assertEquals("Running", from.status().path("BackendState").asText(), from.name + " keeps running on its last netmap");
            }
            TsjNode n1 = nodes.get(0);
            TsjNode n3 = nodes.get(2);
            new Iperf(n3.ns, n3.ipv4(), n1.ns, Iperf.DEFAULT_PORT, lab.logs, () -> n1.diagnostics() + n3.diagnostics())
                    .transfer("n1-to-n3-server-down", 2, false, Duration.ofSeconds(60));
        } finally {
            server.start();
        }
        Poll.until(Duration.ofSeconds(60), "every node to reconnect to the restarted server", server::diagnostics, () -> {
            JsonNode list = server.adminJson("nodes", "list");
            int online = 0;
            for (JsonNode n : list) {
                online += n.path("online").asBoolean() ? 1 : 0;
            }
            return online == nodes.size();
        });
    }

    /**
     * An ephemeral node (server started with {@code --ephemeral-timeout 5s}) that stops is
     * deleted once it has been offline that long, and leaves every peer's status. Its
     * arrival also proves the peers' map sessions are live after the server restart.
     */
    @Test
    @Order(7)
    void anEphemeralNodeThatStopsDisappearsAfterTheTimeout() throws Exception {
        String key = server.createKey(USER, "--ephemeral");
        TsjNode eph = new TsjNode(lab, spare, "eph").start();
        eph.upOk(server, key);
        for (TsjNode n : nodes) {
            Poll.until(CONVERGE, n.name + " to list the ephemeral node", n::diagnostics, () -> n.peer("eph").isPresent());
        }
        long ephId = nodeId("eph");
        eph.stop();
        long stopped = System.nanoTime();
        for (TsjNode n : nodes) {
            Poll.until(Duration.ofSeconds(30), n.name + " to drop the ephemeral node", () -> n.diagnostics() + server.diagnostics(),
                    () -> n.peer("eph").isEmpty());
        }
        double seconds = (System.nanoTime() - stopped) / 1e9;
        System.out.printf("[tailnet] an ephemeral node left every status %.1f s after it stopped (timeout 5 s)%n", seconds);
        // The timeout runs from when the server saw the node go (its session closing), which
        // its log records, as it does the removal.
        Duration offline = Duration.between(ControlLog.lastTime(server, "session.closed", "name=eph"),
                ControlLog.lastTime(server, "node.ephemeral_removed", "name=eph"));
        assertTrue(offline.toMillis() >= 4_900, "the ephemeral node was removed " + offline.toMillis() + " ms after it went offline, before its 5 s timeout");
        assertTrue(server.adminJson("nodes", "list").findValuesAsText("name").stream().noneMatch("eph"::equals), "eph is gone from nodes list");
        // Admin commands and scripts name nodes by id: a deleted node's id must not come back on another node.
        assertTrue(deletedId > 0 && ephId != deletedId, "the new node eph got id " + ephId
                + ", the id of the deleted node n4, so `tsj control nodes delete " + deletedId + "` would now delete another node");
    }

    @Test
    @Order(8)
    void aSpentSingleUseKeyAndAnExpiredKeyAreRefusedClearly() throws Exception {
        JsonNode expired = server.adminJson("authkeys", "create", "--user", USER);
        server.adminJson("authkeys", "expire", expired.path("info").path("id").asText());
        String once = server.createKey(USER);
        TsjNode fresh = new TsjNode(lab, spare, "k1").start();
        try {
            CmdResult r = fresh.up(server, expired.path("key").asText());
            assertRefused(r, "expired");
            assertEquals("NeedsLogin", fresh.status().path("BackendState").asText(), "a refused key registers nothing");

            fresh.upOk(server, once);
            fresh.tsj("logout").check();
            CmdResult again = fresh.up(server, once);
            assertRefused(again, "used");
            assertEquals("NeedsLogin", fresh.status().path("BackendState").asText(), "a spent key registers nothing");
        } finally {
            fresh.stop();
        }
    }

    private static void assertRefused(CmdResult r, String word) {
        CliAssertions.oneLineError(r, 1, word);
    }

    private static boolean inCgnatRange(String v4) {
        String[] octets = v4.split("\\.");
        int second = Integer.parseInt(octets[1]);
        return octets[0].equals("100") && second >= 64 && second < 128;
    }

    private long nodeId(String name) {
        for (JsonNode n : server.adminJson("nodes", "list")) {
            if (n.path("name").asText().equals(name)) {
                return n.path("id").asLong();
            }
        }
        throw new AssertionError("nodes list has no " + name);
    }

    private void awaitPeers(TsjNode n, List<String> names) {
        Poll.until(CONVERGE, n.name + " to list " + names, n::diagnostics, () -> n.peerNames().containsAll(names));
    }

    private List<TsjNode> others(TsjNode n) {
        return nodes.stream().filter(o -> o != n).toList();
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.asText()));
        return out;
    }
}
