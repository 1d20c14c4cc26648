package dev.tsj.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.crypto.PresharedKey;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.PublicKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The stock {@code wg} tool configures tsj, and reads back exactly what it set: each change
 * is applied to tsj and to a reference wireguard-go, and {@code wg showconf} of the two must
 * match, and match the configuration applied. A second wireguard-go is a live peer, so
 * handshake times and transfer counters can be seen to move.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 2, unit = java.util.concurrent.TimeUnit.MINUTES)
class WgConfigIT {
    private static final String OTHER_PEER_ENDPOINT = "[2001:db8::9]:51000";
    private static final List<String> OTHER_PEER_ALLOWED = List.of("198.51.100.0/24", "fd7a:115c:a1e0:9::/64");
    private static final String SUBNET = "203.0.113.0/24";

    private WgPair pair;
    private Netns refNs;
    private WgNode reference;
    private Path logs;
    private final String psk = PresharedKey.generate().toBase64();
    private final String otherPeer = PrivateKey.generate().publicKey().toBase64();

    @BeforeAll
    void buildTopology() {
        Requirements.check();
        logs = ItLogs.freshDir(getClass());
        pair = WgPair.create("cf", Implementation.TSJ, true, Implementation.WIREGUARD_GO, true, logs);
        refNs = Netns.create("it-cf-r"); // no links: whatever the reference sends goes nowhere
        reference = WgNode.start(Implementation.WIREGUARD_GO, refNs, "itcfr", WgPair.A_PORT, true, logs);
    }

    @AfterAll
    void removeTopology() {
        for (AutoCloseable c : new AutoCloseable[] {reference, refNs, pair}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    private WgNode tsj() {
        return pair.a;
    }

    /** {@code wg set} with the same arguments on tsj and on the reference. */
    private void setBoth(List<String> args) {
        tsj().set(args.toArray(String[]::new));
        reference.set(args.toArray(String[]::new));
    }

    private List<String> fullConfiguration() {
        List<String> args = new ArrayList<>(List.of(
                "listen-port", Integer.toString(WgPair.A_PORT), "fwmark", "0x1234",
                "private-key", tsj().secret("private.key", tsj().privateKey()).toString()));
        args.addAll(new PeerSpec(pair.b.publicKey(), psk, pair.endpoint(pair.b, false), 25,
                List.of(WgPair.B_TUNNEL4 + "/32", WgPair.B_TUNNEL6 + "/128", SUBNET)).wgSetArguments(tsj().secret("psk", psk).toString()));
        args.addAll(new PeerSpec(otherPeer, null, OTHER_PEER_ENDPOINT, 0, OTHER_PEER_ALLOWED).wgSetArguments(""));
        return args;
    }

    private WgConf expectedFullConfiguration() {
        Map<String, String> itf = new LinkedHashMap<>();
        itf.put("ListenPort", Integer.toString(WgPair.A_PORT));
        itf.put("FwMark", "0x1234");
        itf.put("PrivateKey", tsj().privateKey());
        Map<String, String> b = new LinkedHashMap<>();
        b.put("PublicKey", pair.b.publicKey());
        b.put("PresharedKey", psk);
        b.put("AllowedIPs", String.join(", ", WgPair.B_TUNNEL4 + "/32", WgPair.B_TUNNEL6 + "/128", SUBNET));
        b.put("Endpoint", pair.endpoint(pair.b, false));
        b.put("PersistentKeepalive", "25");
        Map<String, String> other = new LinkedHashMap<>();
        other.put("PublicKey", otherPeer);
        other.put("AllowedIPs", String.join(", ", OTHER_PEER_ALLOWED));
        other.put("Endpoint", OTHER_PEER_ENDPOINT);
        return new WgConf(itf, List.of(b, other));
    }

    /**
     * Compares as sets: wireguard-go lists peers in Go map order (random) and a peer's allowed
     * IPs in insertion order, tsj lists allowed IPs in address order; neither order means
     * anything to wg, wg-quick or syncconf. Every key and value must be the same.
     */
    private void assertSameAsReference(String what) {
        String mine = tsj().showconf();
        String ref = reference.showconf();
        assertEquals(WgConf.parse(ref).normalised(), WgConf.parse(mine).normalised(),
                what + ": wg showconf of tsj differs from wireguard-go's\n--- tsj ---\n" + mine + "\n--- wireguard-go ---\n" + ref);
    }

    /** The peer B's side: it knows tsj, so the tunnel can carry traffic. */
    private void peerBWithTsj() {
        pair.b.setPeer(new PeerSpec(tsj().publicKey(), psk, pair.endpoint(tsj(), false), 0, pair.allowedIpsAt(pair.b)));
    }

    @Order(1)
    @Test
    void showconfReadsBackExactlyWhatWgSetApplied() {
        setBoth(fullConfiguration());
        String shown = tsj().showconf();
        assertEquals(expectedFullConfiguration().normalised(), WgConf.parse(shown).normalised(), "wg showconf after wg set:\n" + shown);
        assertSameAsReference("after wg set");

        String human = tsj().wg("show", tsj().interfaceName);
        for (String line : List.of("public key: " + tsj().publicKey(), "private key: (hidden)", "listening port: " + WgPair.A_PORT,
                "fwmark: 0x1234", "preshared key: (hidden)", "persistent keepalive: every 25 seconds", "endpoint: " + OTHER_PEER_ENDPOINT)) {
            assertTrue(human.contains(line), "wg show lacks \"" + line + "\":\n" + human);
        }
        assertEquals(tsj().publicKey(), tsj().wg("show", tsj().interfaceName, "public-key").strip(),
                "tsj derives the public key wg expects from the private key");
    }

    @Order(2)
    @Test
    void handshakeTimeAndTransferCountersMove() {
        peerBWithTsj();
        long start = Instant.now().getEpochSecond();
        pair.assertPings(tsj(), false, 3);
        WgDump.Peer first = tsj().dump().requirePeer(pair.b.publicKey());
        assertTrue(first.latestHandshake() >= start - 1 && first.latestHandshake() <= Instant.now().getEpochSecond() + 1,
                "latest handshake is now: " + first);
        assertTrue(first.rxBytes() > 0 && first.txBytes() > 0, "transfer counters moved: " + first);
        String handshakes = tsj().wg("show", tsj().interfaceName, "latest-handshakes");
        assertTrue(handshakes.contains(pair.b.publicKey() + "\t" + first.latestHandshake()), "wg show latest-handshakes: " + handshakes);

        pair.assertPings(pair.b, false, 5);
        WgDump.Peer second = tsj().dump().requirePeer(pair.b.publicKey());
        assertTrue(second.rxBytes() >= first.rxBytes() + 5 * 84 && second.txBytes() >= first.txBytes() + 5 * 84,
                "five echoes each way show in the counters: before " + first + ", after " + second);
        assertEquals(first.latestHandshake(), second.latestHandshake(), "one session carries both pings");
        String transfer = tsj().wg("show", tsj().interfaceName, "transfer");
        String[] row = transfer.lines().filter(l -> l.startsWith(pair.b.publicKey() + "\t")).findFirst()
                .orElseThrow(() -> new AssertionError("wg show transfer lacks the peer: " + transfer)).split("\t");
        assertTrue(Long.parseLong(row[1]) >= second.rxBytes() && Long.parseLong(row[2]) >= second.txBytes(),
                "wg show transfer agrees with the dump (it can only have grown): " + transfer + " vs " + second);
        WgDump.Peer seenByB = pair.b.dump().requirePeer(tsj().publicKey());
        assertTrue(seenByB.hasHandshake() && seenByB.rxBytes() > 0, "wireguard-go saw the same session: " + seenByB);
    }

    @Order(3)
    @Test
    void minusCidrRemovesOneAllowedIpAndRoutingFollows() {
        peerBWithTsj();
        String hexKey = PublicKey.fromBase64(pair.b.publicKey()).toHex();
        assertEquals(0, UapiClient.set(tsj().socket(), List.of("public_key=" + hexKey, "update_only=true", "allowed_ip=-" + SUBNET)),
                "UAPI allowed_ip=-" + SUBNET + "\n" + tsj().diagnostics());
        Map<String, String> b = peerSection(tsj().showconf(), pair.b.publicKey());
        assertEquals(WgPair.B_TUNNEL4 + "/32, " + WgPair.B_TUNNEL6 + "/128", b.get("AllowedIPs"), "only " + SUBNET + " was removed");

        assertEquals(0, UapiClient.set(tsj().socket(), List.of("public_key=" + hexKey, "update_only=true", "allowed_ip=-" + WgPair.B_TUNNEL4 + "/32")));
        Ping v4 = Ping.run(pair.a.ns, WgPair.B_TUNNEL4, 2, Duration.ofSeconds(2));
        assertEquals(0, v4.received(), "with its /32 removed, tsj no longer sends IPv4 to the peer: " + v4);
        pair.assertPings(tsj(), true, 2);

        tsj().setPeer(new PeerSpec(pair.b.publicKey(), psk, null, 0, pair.allowedIpsAt(tsj())));
        pair.assertPings(tsj(), false, 2);
    }

    @Order(4)
    @Test
    void removingPeers() {
        setBoth(fullConfiguration());
        setBoth(List.of("peer", otherPeer, "remove"));
        WgConf conf = WgConf.parse(tsj().showconf());
        assertEquals(List.of(pair.b.publicKey()), conf.peers().stream().map(p -> p.get("PublicKey")).toList(), "only the removed peer is gone");
        assertSameAsReference("after removing a peer");

        peerBWithTsj();
        pair.assertPings(tsj(), false, 2);
        tsj().removePeer(pair.b.publicKey());
        assertEquals("", tsj().wg("show", tsj().interfaceName, "peers").strip(), "no peers left");
        Ping p = Ping.run(pair.a.ns, WgPair.B_TUNNEL4, 2, Duration.ofSeconds(2));
        assertEquals(0, p.received(), "a removed peer gets no traffic: " + p);
    }

    @Order(5)
    @Test
    void setconfAndSyncconfAsWgQuickUsesThem() throws Exception {
        WgConf initial = expectedFullConfiguration();
        initial.interfaceSection().remove("FwMark");
        Path file1 = writeConf("setconf.conf", initial);
        tsj().wg("setconf", tsj().interfaceName, file1.toString());
        reference.wg("setconf", reference.interfaceName, file1.toString());
        assertEquals(initial.normalised(), WgConf.parse(tsj().showconf()).normalised(), "after wg setconf");
        assertSameAsReference("after wg setconf");

        peerBWithTsj();
        pair.assertPings(tsj(), false, 2);
        long handshake = tsj().dump().requirePeer(pair.b.publicKey()).latestHandshake();

        Map<String, String> b = new LinkedHashMap<>(initial.peers().get(0));
        b.put("AllowedIPs", WgPair.B_TUNNEL4 + "/32, " + WgPair.B_TUNNEL6 + "/128, 198.51.100.7/32");
        Map<String, String> third = new LinkedHashMap<>();
        third.put("PublicKey", PrivateKey.generate().publicKey().toBase64());
        third.put("AllowedIPs", "100.64.9.0/24");
        WgConf changed = new WgConf(initial.interfaceSection(), List.of(b, third));
        Path file2 = writeConf("syncconf.conf", changed);
        tsj().wg("syncconf", tsj().interfaceName, file2.toString());
        reference.wg("syncconf", reference.interfaceName, file2.toString());
        assertEquals(changed.normalised(), WgConf.parse(tsj().showconf()).normalised(), "after wg syncconf");
        assertSameAsReference("after wg syncconf");

        pair.assertPings(tsj(), false, 2);
        assertEquals(handshake, tsj().dump().requirePeer(pair.b.publicKey()).latestHandshake(),
                "wg syncconf kept the running session with an unchanged peer");
    }

    @Order(6)
    @Test
    void listenPortChangeRebinds() {
        peerBWithTsj();
        int port = WgPair.A_PORT + 20;
        try {
            tsj().set("listen-port", Integer.toString(port));
            assertEquals(Integer.toString(port), tsj().wg("show", tsj().interfaceName, "listen-port").strip());
            String sockets = pair.nsA.run("ss", "-Hlun");
            assertTrue(sockets.contains(":" + port + " ") && !sockets.contains(":" + WgPair.A_PORT + " "),
                    "tsj listens on the new port only:\n" + sockets);
            pair.b.set("peer", tsj().publicKey(), "endpoint", WgPair.A_UNDERLAY4 + ":" + port);
            pair.assertPings(pair.b, false, 3);
        } finally {
            tsj().set("listen-port", Integer.toString(WgPair.A_PORT));
            pair.b.set("peer", tsj().publicKey(), "endpoint", pair.endpoint(tsj(), false));
        }
    }

    @Order(7)
    @Test
    void persistentKeepaliveIsSentAndCanBeTurnedOff() {
        peerBWithTsj();
        pair.assertPings(tsj(), false, 1);
        // From off, as wireguard-go: turning it on sends one at once and then one a second.
        // (Changing a running interval takes effect only after the next packet, in both.)
        tsj().set("peer", pair.b.publicKey(), "persistent-keepalive", "off");
        tsj().set("peer", pair.b.publicKey(), "persistent-keepalive", "1");
        assertEquals("1", tsj().dump().requirePeer(pair.b.publicKey()).persistentKeepalive());
        long rx0 = pair.b.dump().requirePeer(tsj().publicKey()).rxBytes();
        // A keepalive is a 32-byte transport message; three arrive within a few seconds.
        Poll.until(Duration.ofSeconds(8), "three keepalives from tsj", pair::diagnostics,
                () -> pair.b.dump().requirePeer(tsj().publicKey()).rxBytes() - rx0 >= 3 * 32);
        tsj().set("peer", pair.b.publicKey(), "persistent-keepalive", "off");
        assertEquals("off", tsj().dump().requirePeer(pair.b.publicKey()).persistentKeepalive());
        assertFalse(tsj().showconf().contains("PersistentKeepalive"), tsj().showconf());
        assertNotEquals(0, pair.b.dump().requirePeer(tsj().publicKey()).latestHandshake());
    }

    private static Map<String, String> peerSection(String showconf, String publicKey) {
        return WgConf.parse(showconf).peers().stream().filter(p -> publicKey.equals(p.get("PublicKey"))).findFirst()
                .orElseThrow(() -> new AssertionError("no peer " + publicKey + " in\n" + showconf));
    }

    private Path writeConf(String name, WgConf conf) throws Exception {
        Path f = tsj().secret(name, "").getParent().resolve(name);
        Files.writeString(f, conf.render());
        return f;
    }
}
