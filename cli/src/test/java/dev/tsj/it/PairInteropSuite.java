package dev.tsj.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.crypto.PresharedKey;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The interop checks between tsj (node A) and a peer implementation (node B) in two
 * namespaces, on one topology shared by the class. Subclasses choose the peer and whether
 * TUN offloads are on. Each test sets up the peering it needs, so any one can run alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
abstract class PairInteropSuite {
    static final int TRANSFER_MIB = 200;
    static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(150);
    static final int CAPTURED_MESSAGES = 64;
    static final int FUZZ_SECONDS = 8;
    static final int FUZZ_RATE = 4000;

    private final String tag;
    private final Implementation peer;
    private final boolean offloads;
    protected WgPair pair;
    protected Path logs;

    PairInteropSuite(String tag, Implementation peer, boolean offloads) {
        this.tag = tag;
        this.peer = peer;
        this.offloads = offloads;
    }

    @BeforeAll
    void buildTopology() {
        Requirements.check();
        logs = ItLogs.freshDir(getClass());
        pair = WgPair.create(tag, Implementation.TSJ, offloads, peer, offloads, logs);
    }

    @AfterAll
    void removeTopology() {
        if (pair != null) {
            pair.close();
        }
    }

    static String newPsk() {
        return PresharedKey.generate().toBase64();
    }

    String label(WgNode n) {
        return n.implementation.label + " " + n.interfaceName;
    }

    @Order(1)
    @ParameterizedTest(name = "tsj initiates: {0}, preshared key: {1}")
    @CsvSource({"true,false", "true,true", "false,false", "false,true"})
    void handshakeWithEitherSideInitiating(boolean tsjInitiates, boolean withPsk) {
        WgNode initiator = tsjInitiates ? pair.a : pair.b;
        WgNode responder = pair.other(initiator);
        String psk = withPsk ? newPsk() : null;
        pair.peerFresh(initiator, psk, false);
        WgDump.Peer before = responder.dump().requirePeer(initiator.publicKey());
        assertEquals("(none)", before.endpoint(), "the responder starts without an endpoint, so it cannot initiate");
        assertFalse(before.hasHandshake(), "a fresh peer has no handshake yet: " + before);

        long start = Instant.now().getEpochSecond();
        pair.assertPings(initiator, false, 3);
        pair.assertPings(responder, false, 3);
        long end = Instant.now().getEpochSecond();

        for (WgNode n : new WgNode[] {initiator, responder}) {
            WgDump.Peer p = n.dump().requirePeer(pair.other(n).publicKey());
            String where = label(n) + " after the handshake: " + p + "\n" + pair.diagnostics();
            assertTrue(p.latestHandshake() >= start - 1 && p.latestHandshake() <= end + 1, "handshake time now, " + where);
            assertTrue(p.rxBytes() > 0 && p.txBytes() > 0, "transfer counters moved, " + where);
            assertEquals(withPsk ? psk : "(none)", p.presharedKey(), "preshared key read back, " + where);
        }
        WgDump.Peer learned = responder.dump().requirePeer(initiator.publicKey());
        assertEquals(pair.endpoint(initiator, false), learned.endpoint(),
                "the responder learned the initiator's endpoint from its handshake\n" + pair.diagnostics());
    }

    @Order(2)
    @Test
    void mismatchedPresharedKeysNeverHandshake() {
        String pskA = newPsk();
        String pskB = newPsk();
        pair.peerBothKnown(null, false);
        pair.a.setPeer(new PeerSpec(pair.b.publicKey(), pskA, pair.endpoint(pair.b, false), 0, pair.allowedIpsAt(pair.a)));
        pair.b.setPeer(new PeerSpec(pair.a.publicKey(), pskB, pair.endpoint(pair.a, false), 0, pair.allowedIpsAt(pair.b)));
        Ping p = Ping.run(pair.a.ns, WgPair.B_TUNNEL4, 2, Duration.ofSeconds(3));
        assertEquals(0, p.received(), "no echo may cross with different preshared keys: " + p);
        for (WgNode n : new WgNode[] {pair.a, pair.b}) {
            WgDump.Peer d = n.dump().requirePeer(pair.other(n).publicKey());
            assertFalse(d.hasHandshake(), label(n) + " completed a handshake with a wrong preshared key: " + d + "\n" + pair.diagnostics());
        }
    }

    @Order(3)
    @ParameterizedTest(name = "IPv6 inside the tunnel: {0}")
    @ValueSource(booleans = {false, true})
    void pingBothWays(boolean ipv6) {
        pair.peerBothKnown(newPsk(), false);
        pair.assertPings(pair.a, ipv6, 5);
        pair.assertPings(pair.b, ipv6, 5);
    }

    @Order(4)
    @ParameterizedTest(name = "tsj sends: {0}")
    @ValueSource(booleans = {true, false})
    void tcpTransferOf200MiB(boolean tsjSends) {
        pair.peerBothKnown(newPsk(), false);
        pair.transfer(tsjSends ? pair.a : pair.b, false, TRANSFER_MIB, TRANSFER_TIMEOUT);
    }

    @Order(5)
    @Test
    void ipv6Underlay() {
        pair.peerFresh(pair.a, newPsk(), true);
        pair.assertPings(pair.a, false, 3);
        pair.assertPings(pair.a, true, 3);
        pair.assertPings(pair.b, true, 3);
        assertEquals(pair.endpoint(pair.a, true), pair.b.dump().requirePeer(pair.a.publicKey()).endpoint(),
                "the peer learned tsj's IPv6 endpoint\n" + pair.diagnostics());
        assertEquals(pair.endpoint(pair.b, true), pair.a.dump().requirePeer(pair.b.publicKey()).endpoint());
        pair.transfer(pair.a, true, 50, TRANSFER_TIMEOUT);
        pair.transfer(pair.b, true, 50, TRANSFER_TIMEOUT);
    }

    /**
     * Hostile datagrams of every message type, and real messages of the peer's replayed and
     * mangled, hit tsj's port while the peer sends it 200 MiB: the transfer completes, tsj
     * stays up, keeps the peer's real endpoint and never prints a stack trace.
     */
    @Order(6)
    @Test
    void survivesHostileDatagramsDuringATransfer() {
        Path pcap = logs.resolve("peer-to-tsj.pcap");
        BgProcess capture = pair.nsB.spawn("tcpdump", logs.resolve("tcpdump.log"), Map.of(), "tcpdump", "-n", "-i", pair.linkB,
                "-c", Integer.toString(CAPTURED_MESSAGES), "-w", pcap.toString(),
                "udp and src port " + WgPair.B_PORT + " and dst port " + WgPair.A_PORT);
        Poll.until(Duration.ofSeconds(10), "tcpdump to listen", capture::tail, () -> capture.output().contains("listening on"));
        pair.peerFresh(pair.b, newPsk(), false); // the peer initiates, so its initiation is in the capture
        pair.assertPings(pair.b, false, 3);
        Ping.run(pair.nsB, WgPair.A_TUNNEL4, CAPTURED_MESSAGES, "0.02", Duration.ofSeconds(10));
        assertEquals(0, capture.awaitExit(Duration.ofSeconds(15)), "tcpdump captured " + CAPTURED_MESSAGES + " messages\n" + capture.tail());

        int logMark = pair.a.daemon().output().length();
        long seed = System.nanoTime();
        BgProcess fuzzer = pair.nsB.spawn("fuzzer", logs.resolve("fuzzer.log"), Map.of(), DatagramFuzzer.commandLine(
                WgPair.A_UNDERLAY4, WgPair.A_PORT, pair.a.publicKey(), FUZZ_SECONDS, FUZZ_RATE, seed, pcap).toArray(String[]::new));
        Poll.until(Duration.ofSeconds(20), "the fuzzer to start", fuzzer::tail, () -> fuzzer.output().contains("fuzzing"));
        pair.transfer(pair.b, false, TRANSFER_MIB, TRANSFER_TIMEOUT);
        assertEquals(0, fuzzer.awaitExit(Duration.ofSeconds(FUZZ_SECONDS + 30)), fuzzer.tail());
        for (DatagramFuzzer.Kind k : DatagramFuzzer.Kind.values()) {
            assertTrue(fuzzer.output().contains(k + "="), "the fuzzer sent " + k + "\n" + fuzzer.tail());
        }

        assertTrue(pair.a.daemon().alive(), "tsj survived the fuzzing\n" + pair.diagnostics());
        assertEquals(pair.endpoint(pair.b, false), pair.a.dump().requirePeer(pair.b.publicKey()).endpoint(),
                "no fuzzed or replayed datagram moved tsj's endpoint for the peer\n" + pair.diagnostics());
        pair.assertPings(pair.a, false, 3);
        pair.assertPings(pair.b, true, 3);
        String during = pair.a.daemon().output().substring(logMark);
        assertFalse(during.contains("Exception") || during.contains("\tat "), "tsj logged an exception while fuzzed (seed " + seed + "):\n"
                + during.lines().filter(l -> l.contains("Exception") || l.startsWith("\tat ")).limit(30).reduce("", (x, y) -> x + y + "\n"));
    }

    /**
     * The peer's underlay address changes while it sends to tsj: tsj must take the new source
     * of authenticated packets as the endpoint, and its replies (TCP ACKs) must follow.
     */
    @Order(7)
    @Test
    void tsjFollowsThePeerWhenItsAddressChangesMidTransfer() {
        pair.peerBothKnown(newPsk(), false);
        pair.assertPings(pair.a, false, 1);
        String roamed = WgPair.B_ROAMED4 + ":" + pair.b.listenPort;
        try {
            long rxStart = pair.a.dump().requirePeer(pair.b.publicKey()).rxBytes();
            Iperf.Run run = pair.iperf(pair.b, false).start(pair.describe() + ", the peer sends while it roams", TRANSFER_MIB + "M", true);
            Poll.until(Duration.ofSeconds(30), "the transfer to be under way (30 MB received)", pair::diagnostics,
                    () -> pair.a.dump().requirePeer(pair.b.publicKey()).rxBytes() - rxStart > 30_000_000L);
            pair.nsB.addAddress(pair.linkB, WgPair.B_ROAMED4 + "/24");
            pair.nsB.run("ip", "addr", "del", WgPair.B_UNDERLAY4 + "/24", "dev", pair.linkB);
            if (pair.b.implementation == Implementation.WIREGUARD_GO) {
                // Debian's wireguard-go pins the source address it last used ("sticky sockets")
                // and, as the kernel now refuses the vanished address with ENETUNREACH rather than
                // EINVAL, drops it only after 15 s without replies. Setting the endpoint again
                // drops it at once, so the peer sends from its new address straight away; what is
                // tested here is that tsj follows.
                pair.b.setPeer(new PeerSpec(pair.a.publicKey(), null, pair.endpoint(pair.a, false), 0, pair.allowedIpsAt(pair.b)));
            }
            Poll.until(Duration.ofSeconds(10), "tsj to show the peer's new endpoint " + roamed, pair::diagnostics,
                    () -> pair.a.dump().requirePeer(pair.b.publicKey()).endpoint().equals(roamed));
            long txAtRoam = pair.a.dump().requirePeer(pair.b.publicKey()).txBytes();
            run.await(TRANSFER_TIMEOUT, (long) TRANSFER_MIB << 20);
            WgDump.Peer after = pair.a.dump().requirePeer(pair.b.publicKey());
            assertEquals(roamed, after.endpoint(), "tsj's endpoint after the transfer\n" + pair.diagnostics());
            assertTrue(after.txBytes() > txAtRoam, "tsj kept sending (ACKs) after the move: " + after);
            assertTrue(after.rxBytes() - rxStart >= (long) TRANSFER_MIB << 20, "all " + TRANSFER_MIB + " MiB reached tsj: " + after);
            pair.assertPings(pair.a, false, 3);
        } finally {
            restoreAddress(WgPair.B_UNDERLAY4, WgPair.B_ROAMED4);
        }
    }

    private void restoreAddress(String original, String roamed) {
        pair.nsB.exec("ip", "addr", "add", original + "/24", "dev", pair.linkB);
        pair.nsB.exec("ip", "addr", "del", roamed + "/24", "dev", pair.linkB);
    }
}
