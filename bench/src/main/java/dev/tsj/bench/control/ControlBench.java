package dev.tsj.bench.control;

import dev.tsj.control.admin.AdminClient;
import dev.tsj.control.admin.ServerStats;
import dev.tsj.control.api.Hostinfo;
import dev.tsj.control.api.RegisterRequest;
import dev.tsj.control.client.ClientOptions;
import dev.tsj.control.client.ControlClient;
import dev.tsj.crypto.PrivateKey;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One control server (its own process) and N simulated nodes holding map sessions (no
 * TUN, no WireGuard): reports the server's memory and how long one node's change takes
 * to reach every other session. Not a test; run it as the README says:
 * <pre>
 *   mvn -q -pl bench -am package -DskipTests
 *   java -Xmx6g -cp "$(cat bench/target/classpath.txt):bench/target/classes" \
 *       dev.tsj.bench.control.ControlBench 1000 20
 * </pre>
 * Arguments: nodes (default 1000), changes to time (default 20), server heap (default 2g),
 * and {@code policy} to run the tailnet under {@link BenchPolicy} (then a change reaches only
 * the sessions that may see the node, and the run also times a policy change to every node).
 */
public final class ControlBench {
    private ControlBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int changes = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        String serverHeap = args.length > 2 ? args[2] : "2g";
        boolean policy = args.length > 3 && args[3].equals("policy");
        Path dir = Files.createTempDirectory("tsj-control-bench");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process server = new ProcessBuilder(java, "-Xmx" + serverHeap, "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                BenchServerMain.class.getName(), dir.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<SimNode> nodes = new ArrayList<>();
        SimNode[] all = new SimNode[n];
        ScheduledExecutorService keepalive = Executors.newSingleThreadScheduledExecutor();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith("PORT ")) {
                throw new IllegalStateException("server did not start: " + line);
            }
            URI url = URI.create("http://127.0.0.1:" + line.substring(5).strip());
            AdminClient admin = new AdminClient(dir);
            String[] keys = keys(admin, policy);
            if (policy) {
                admin.setPolicy(BenchPolicy.first());
            }
            ClientOptions opts = new ClientOptions(Duration.ofSeconds(30), Duration.ofSeconds(120), Duration.ofMillis(100),
                    Duration.ofSeconds(2));
            System.out.printf("control bench: %d nodes, %d changes, %s, server pid %d%n", n, changes,
                    policy ? "policy: 10 users, a third tagged servers" : "no policy", server.pid());

            long setupStart = System.nanoTime();
            Semaphore window = new Semaphore(32);
            AtomicInteger failures = new AtomicInteger();
            for (int i = 0; i < n; i++) {
                SimNode node = new SimNode(i, new ControlClient(url, PrivateKey.generate(), opts));
                String key = keys[i % keys.length];
                nodes.add(node);
                all[i] = node;
                window.acquire();
                Thread.ofVirtual().start(() -> {
                    try {
                        node.client.register(new RegisterRequest(node.publicKey(), key, false, Hostinfo.of("sim-" + node.index)));
                        node.open();
                        if (!node.fullMap.await(300, TimeUnit.SECONDS)) {
                            failures.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                        System.err.println("node " + node.index + ": " + e.getMessage());
                    } finally {
                        window.release();
                    }
                });
                if ((i + 1) % 1000 == 0) {
                    System.out.printf("  %d sessions opening (%.1f s)%n", i + 1, (System.nanoTime() - setupStart) / 1e9);
                }
                if (i == 0) {
                    // Over a snapshot array: the list grows meanwhile, and an exception would end the schedule.
                    keepalive.scheduleAtFixedRate(() -> {
                        for (SimNode x : all) {
                            if (x != null && x.channel != null) {
                                x.keepAlive();
                            }
                        }
                    }, 3, 3, TimeUnit.SECONDS);
                }
            }
            window.acquire(32);
            window.release(32);
            if (failures.get() > 0) {
                throw new IllegalStateException(failures.get() + " nodes failed to open a session");
            }
            System.out.printf("all %d sessions have their full map after %.1f s%n", n, (System.nanoTime() - setupStart) / 1e9);
            awaitQuiet(nodes, Duration.ofSeconds(1), Duration.ofSeconds(120));

            SimNode mover = nodes.get(0);
            List<SimNode> others = nodes.stream().filter(x -> policy ? BenchPolicy.seesNodeZero(x.index) : x.index != 0)
                    .toList();
            long[] perDelivery = new long[changes * others.size()];
            long[] allDelivered = new long[changes];
            int k = 0;
            for (int c = 0; c < changes; c++) {
                int port = 10_000 + c;
                byte[] marker = ("\"" + SimNode.endpoint(0, port).getAddress().getHostAddress() + ":" + port + "\"")
                        .getBytes(StandardCharsets.US_ASCII);
                for (SimNode o : others) {
                    o.markerSeenAt = 0;
                    o.marker = marker;
                }
                long t0 = System.nanoTime();
                mover.sendEndpoint(port);
                long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
                while (others.stream().anyMatch(o -> o.markerSeenAt == 0)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("change " + c + " did not reach every session in 60 s");
                    }
                    Thread.sleep(1);
                }
                long max = 0;
                for (SimNode o : others) {
                    long d = o.markerSeenAt - t0;
                    perDelivery[k++] = d;
                    max = Math.max(max, d);
                }
                allDelivered[c] = max;
                Thread.sleep(300);
            }
            long policyChange = policy ? timePolicyChange(admin, nodes) : 0;
            ServerStats stats = admin.stats();
            gc(server.pid());
            ServerStats afterGc = admin.stats();
            long rssKb = rssKb(server.pid());
            System.out.printf("server: %d nodes, %d sessions; RSS %.0f MiB; heap used %.0f MiB (%.0f MiB after GC)%n",
                    stats.nodes(), stats.sessions(), rssKb / 1024.0, stats.heapUsedBytes() / 1048576.0,
                    afterGc.heapUsedBytes() / 1048576.0);
            System.out.printf("one change to each session:   median %.1f ms, p99 %.1f ms (%d deliveries)%n",
                    ms(pct(perDelivery, 50)), ms(pct(perDelivery, 99)), perDelivery.length);
            System.out.printf("one change to all %d sessions: median %.1f ms, p99 %.1f ms (%d changes)%n",
                    others.size(), ms(pct(allDelivered, 50)), ms(pct(allDelivered, 99)), changes);
            if (policy) {
                System.out.printf("a policy change (every node's filter) to all %d sessions: %.1f ms%n", n, ms(policyChange));
            }
        } finally {
            keepalive.shutdownNow();
            nodes.forEach(SimNode::close);
            server.getOutputStream().close();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroy();
            }
        }
    }

    /**
     * The auth keys nodes register with, node i taking {@code keys[i % keys.length]}: one user
     * without a policy; under the policy one per user, with the servers' tagged key at the
     * positions {@link BenchPolicy#isServer} picks.
     */
    private static String[] keys(AdminClient admin, boolean policy) throws Exception {
        if (!policy) {
            admin.createUser("bench");
            return new String[] {admin.createAuthKey("bench", true, false, true, null, List.of()).key()};
        }
        for (int u = 0; u < BenchPolicy.USERS; u++) {
            admin.createUser("u" + u);
        }
        String server = admin.createAuthKey("u0", true, false, true, null, List.of(BenchPolicy.SERVER_TAG)).key();
        // 30 slots: i % 30 fixes both i % 3 (server or not) and i % 10 (the user).
        String[] keys = new String[30];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = BenchPolicy.isServer(i) ? server
                    : admin.createAuthKey(BenchPolicy.user(i), true, false, true, null, List.of()).key();
        }
        return keys;
    }

    /** Puts the second policy in force and waits until every session has its new filter. */
    private static long timePolicyChange(AdminClient admin, List<SimNode> nodes) throws Exception {
        byte[] marker = BenchPolicy.NEW_PORT_MARKER.getBytes(StandardCharsets.US_ASCII);
        for (SimNode o : nodes) {
            o.markerSeenAt = 0;
            o.marker = marker;
        }
        long t0 = System.nanoTime();
        admin.setPolicy(BenchPolicy.second());
        long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
        while (nodes.stream().anyMatch(o -> o.markerSeenAt == 0)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the policy change did not reach every session in 60 s");
            }
            Thread.sleep(1);
        }
        return nodes.stream().mapToLong(o -> o.markerSeenAt - t0).max().orElse(0);
    }

    private static void awaitQuiet(List<SimNode> nodes, Duration quiet, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            long last = nodes.stream().mapToLong(x -> x.lastMessageAt).max().orElse(0);
            if (System.nanoTime() - last > quiet.toNanos()) {
                return;
            }
            Thread.sleep(100);
        }
    }

    private static long pct(long[] v, int p) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static void gc(long pid) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (Files.isExecutable(jcmd)) {
            new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static long rssKb(long pid) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
