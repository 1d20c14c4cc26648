package dev.tsj.bench.e2e;

import static dev.tsj.bench.e2e.Testbed.*;

import dev.tsj.crypto.PrivateKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One end of the tunnel in each namespace ({@code a} in A, the iperf3 client side;
 * {@code b} in B), configured with {@code wg set} like any userspace WireGuard, and
 * usable once a ping crosses it.
 */
final class TunnelPair implements AutoCloseable {
    private static final Path UAPI_DIR = Path.of("/var/run/wireguard");

    final Implementation a;
    final Implementation b;
    private final Process procA;
    private final Process procB;

    private TunnelPair(Implementation a, Implementation b, Process procA, Process procB) {
        this.a = a;
        this.b = b;
        this.procA = procA;
        this.procB = procB;
    }

    static TunnelPair start(Implementation a, Implementation b, Path workDir) throws IOException {
        PrivateKey keyA = PrivateKey.generate();
        PrivateKey keyB = PrivateKey.generate();
        Path fileA = secret(workDir.resolve("a.key"), keyA.toBase64());
        Path fileB = secret(workDir.resolve("b.key"), keyB.toBase64());
        Process pa = launch(NS_A, a, TUN_A, PORT_A, workDir.resolve("a-" + a.label() + ".log"));
        Process pb = null;
        TunnelPair pair = null;
        try {
            pb = launch(NS_B, b, TUN_B, PORT_B, workDir.resolve("b-" + b.label() + ".log"));
            pair = new TunnelPair(a, b, pa, pb);
            awaitSocket(TUN_A, pa);
            awaitSocket(TUN_B, pb);
            configure(NS_A, TUN_A, fileA, PORT_A, keyB.publicKey().toBase64(), UNDERLAY_B, PORT_B, TUNNEL_B);
            configure(NS_B, TUN_B, fileB, PORT_B, keyA.publicKey().toBase64(), UNDERLAY_A, PORT_A, TUNNEL_A);
            address(NS_A, TUN_A, TUNNEL_A);
            address(NS_B, TUN_B, TUNNEL_B);
            awaitPing();
            return pair;
        } catch (RuntimeException e) {
            if (pair != null) {
                pair.close();
            } else {
                stop(pa);
            }
            throw e;
        }
    }

    long pidA() {
        return procA.pid();
    }

    long pidB() {
        return procB.pid();
    }

    /** CPU seconds used so far by both ends. */
    double cpuSeconds() {
        return ProcStats.cpuSeconds(procA.pid()) + ProcStats.cpuSeconds(procB.pid());
    }

    private static Path secret(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content + "\n");
        return file;
    }

    private static Process launch(String ns, Implementation impl, String ifname, int port, Path log) {
        try {
            Files.deleteIfExists(UAPI_DIR.resolve(ifname + ".sock")); // left by a killed run
        } catch (IOException e) {
            throw new HarnessException("cannot remove stale socket: " + e.getMessage());
        }
        List<String> cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(impl.command(ifname, port));
        return Sh.start(log, cmd, impl.environment());
    }

    private static void awaitSocket(String ifname, Process p) {
        Path sock = UAPI_DIR.resolve(ifname + ".sock");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // the launcher may build first
        while (!Files.exists(sock)) {
            if (!p.isAlive()) {
                throw new HarnessException(ifname + " exited with " + p.exitValue() + " before listening (see its log)");
            }
            if (System.nanoTime() > deadline) {
                throw new HarnessException(ifname + ": no UAPI socket after 60 s");
            }
            sleep(50);
        }
    }

    private static void configure(String ns, String ifname, Path key, int port, String peer, String peerHost, int peerPort, String peerTunnel) {
        Sh.ok("ip", "netns", "exec", ns, "wg", "set", ifname, "private-key", key.toString(), "listen-port", Integer.toString(port),
                "peer", peer, "endpoint", peerHost + ":" + peerPort, "allowed-ips", peerTunnel + "/32");
    }

    private static void awaitPing() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (Sh.run("ip", "netns", "exec", NS_A, "ping", "-c", "1", "-W", "1", TUNNEL_B).exit() == 0) {
                return;
            }
        }
        throw new HarnessException("no ping through the tunnel after 20 s");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException("interrupted");
        }
    }

    private static void stop(Process p) {
        if (p == null) {
            return;
        }
        p.destroy(); // SIGTERM: both implementations remove their interface and socket
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(procA);
        stop(procB);
    }
}
