package dev.tsj.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.crypto.PresharedKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * tsj daemon as a process a service manager runs: what it creates at start, what a SIGKILL
 * leaves and how the next start copes, refusing an interface that is in use, and a clean
 * exit 0 on SIGTERM and SIGINT. tsj is node A; a wireguard-go peer (B) keeps its session
 * state across tsj's restarts, as a remote peer would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 2, unit = java.util.concurrent.TimeUnit.MINUTES)
class DaemonLifecycleIT {
    private static final int SIGKILL_EXIT = 128 + 9;
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(15);

    private WgPair pair;
    private Path logs;
    private WgNode replacement;
    private final String psk = PresharedKey.generate().toBase64();

    @BeforeAll
    void buildTopology() {
        Requirements.check();
        logs = ItLogs.freshDir(getClass());
        pair = WgPair.create("lc", Implementation.TSJ, true, Implementation.WIREGUARD_GO, true, logs);
        pair.peerBothKnown(psk, false);
    }

    @AfterAll
    void removeTopology() {
        if (replacement != null) {
            replacement.close();
        }
        if (pair != null) {
            pair.close();
        }
    }

    private WgNode tsj() {
        return pair.a;
    }

    /** Launches tsj again and gives it back the configuration a fresh daemon lacks. */
    private void restartTsj() {
        tsj().launch();
        reconfigureTsj();
    }

    private void reconfigureTsj() {
        tsj().configureIdentity();
        tsj().addTunnelAddresses(WgPair.A_TUNNEL4 + "/24", WgPair.A_TUNNEL6 + "/64");
        tsj().setPeer(new PeerSpec(pair.b.publicKey(), psk, pair.endpoint(pair.b, false), 0, pair.allowedIpsAt(tsj())));
    }

    /** Whatever an earlier test left: tsj running, configured and peered. */
    private void ensureTsjServing() {
        if (!tsj().daemon().alive()) {
            restartTsj();
        } else if (tsj().dump().peers().isEmpty()) {
            reconfigureTsj();
        }
    }

    /** Addresses someone configured: the kernel's own IPv6 link-local one does not count. */
    private static List<String> configuredAddresses(Link link) {
        return link.addresses().stream().filter(a -> !a.startsWith("fe80:")).toList();
    }

    private void assertInterfaceGone(String what) {
        assertTrue(Link.inspect(pair.nsA, tsj().interfaceName).isEmpty(), what + ": interface " + tsj().interfaceName + " still exists");
    }

    @Order(1)
    @Test
    void startsAsWireguardGoDoes() throws Exception {
        Link link = Link.inspect(pair.nsA, tsj().interfaceName).orElseThrow();
        assertEquals(1420, link.mtu(), "MTU " + link);
        assertTrue(link.up(), "link up: " + link);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tsj().socket())), "UAPI socket mode");
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(WgNode.UAPI_DIR)), "UAPI directory mode");
        assertTrue(Files.readAttributes(tsj().socket(), java.nio.file.attribute.BasicFileAttributes.class).isOther(), "the UAPI path is a socket");
    }

    @Order(2)
    @Test
    void afterSigkillTheNextStartReplacesTheStaleSocketAndRecreatesTheInterface() {
        pair.assertPings(tsj(), false, 2);
        long handshakeBefore = pair.b.dump().requirePeer(tsj().publicKey()).latestHandshake();

        tsj().daemon().signal("KILL");
        assertEquals(SIGKILL_EXIT, tsj().daemon().awaitExit(EXIT_TIMEOUT), "killed by SIGKILL");
        assertTrue(Files.exists(tsj().socket()), "a SIGKILLed daemon cannot remove its socket; the stale one is what the restart must handle");
        Poll.until(Duration.ofSeconds(5), "the kernel to remove the TUN of the killed daemon", () -> "",
                () -> Link.inspect(pair.nsA, tsj().interfaceName).isEmpty());

        tsj().launch();
        assertTrue(tsj().daemon().output().contains("removing stale UAPI socket"), "the restart says it replaced the stale socket\n" + tsj().daemon().tail());
        Link link = Link.inspect(pair.nsA, tsj().interfaceName).orElseThrow();
        assertTrue(link.up() && link.mtu() == 1420 && configuredAddresses(link).isEmpty(), "recreated up, MTU 1420, no addresses: " + link);
        WgDump fresh = tsj().dump();
        assertTrue(fresh.peers().isEmpty() && fresh.privateKey().equals("(none)"), "a restarted daemon starts unconfigured: " + fresh);

        reconfigureTsj();
        pair.assertPings(tsj(), false, 3);
        pair.assertPings(pair.b, false, 3);
        assertTrue(pair.b.dump().requirePeer(tsj().publicKey()).latestHandshake() >= handshakeBefore,
                "wireguard-go took a new handshake from the restarted tsj");
    }

    @Order(3)
    @Test
    void refusesAnInterfaceThatIsInUse() {
        ensureTsjServing();
        // Same namespace, same name: the TUN is taken.
        CmdResult sameNs = runSecondDaemon(pair.nsA, "second-in-same-ns");
        // Another namespace, same name: the TUN could be made there, but the UAPI socket answers.
        CmdResult otherNs = runSecondDaemon(pair.nsB, "second-in-other-ns");
        assertTrue(otherNs.output().contains("already in use"), "names the live socket: " + otherNs.describe());
        for (CmdResult r : List.of(sameNs, otherNs)) {
            assertNotEquals(0, r.exitCode(), r.describe());
            List<String> lines = r.output().lines().filter(l -> !l.startsWith("###") && !l.isBlank()).toList();
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("tsj daemon: ")), "a one-line error: " + r.describe());
            assertFalse(r.output().contains("\tat ") || r.output().contains("Exception"), "no stack trace for the user: " + r.describe());
        }
        assertTrue(tsj().daemon().alive(), "the first daemon is untouched");
        assertTrue(Files.exists(tsj().socket()), "its socket was left alone");
        pair.assertPings(tsj(), false, 2);
    }

    private CmdResult runSecondDaemon(Netns ns, String label) {
        BgProcess second = ns.spawn(label, logs.resolve(label + ".log"), Map.of("TSJ_LOG", "info"),
                TsjJar.daemon(tsj().interfaceName, WgPair.A_PORT + 100, true).toArray(String[]::new));
        int exit = second.awaitExit(Duration.ofSeconds(30));
        return new CmdResult(List.of(label), exit, second.output());
    }

    @Order(4)
    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"TERM", "INT"})
    void stopSignalExitsZeroAndRemovesSocketAndInterface(String signal) {
        ensureTsjServing();
        pair.assertPings(tsj(), false, 1);
        tsj().daemon().signal(signal);
        assertEquals(0, tsj().daemon().awaitExit(EXIT_TIMEOUT), "exit code after SIG" + signal + "\n" + tsj().daemon().tail());
        assertFalse(Files.exists(tsj().socket()), "socket removed by the time the process exits");
        assertInterfaceGone("after SIG" + signal);
    }

    /** Switching an interface from wireguard-go to tsj: tsj replaces the socket a killed wireguard-go left. */
    @Order(5)
    @Test
    void replacesTheStaleSocketOfAKilledWireguardGo() {
        pair.b.daemon().signal("KILL");
        pair.b.daemon().awaitExit(EXIT_TIMEOUT);
        assertTrue(Files.exists(pair.b.socket()), "wireguard-go's stale socket");
        replacement = WgNode.start(Implementation.TSJ, pair.nsB, pair.b.interfaceName, WgPair.B_PORT, true, logs);
        assertTrue(replacement.daemon().output().contains("removing stale UAPI socket"), replacement.daemon().tail());
        assertEquals(String.valueOf(WgPair.B_PORT), replacement.wg("show", replacement.interfaceName, "listen-port").strip());
    }
}
