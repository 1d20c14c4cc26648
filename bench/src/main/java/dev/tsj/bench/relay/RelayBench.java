package dev.tsj.bench.relay;

import dev.tsj.control.api.ApiJson;
import dev.tsj.control.relay.RelayStats;
import dev.tsj.control.relay.client.RelayClient;
import dev.tsj.control.relay.client.RelayClientOptions;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.PublicKey;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bulk transfer through one relay (its own process) between two relay clients on
 * loopback: how fast packets go, and how much CPU the relay spends per GB relayed. Not a
 * test; run it as the control README says:
 * <pre>
 *   mvn -q -pl bench -am package -DskipTests
 *   java -cp "$(cat bench/target/classpath.txt):bench/target/classes" dev.tsj.bench.relay.RelayBench 200 1452
 * </pre>
 * Arguments: megabytes to send (default 200), packet size (default 1452: a full WireGuard
 * packet at tsj's MTU of 1420), window (packets in flight, default 200, as a TCP flow inside
 * the tunnel would keep; 0: none, send as fast as the sender's queue takes them, and count
 * what the relay drops), relay heap (default 1g, as the control server's).
 */
public final class RelayBench {
    private RelayBench() {}

    public static void main(String[] args) throws Exception {
        long megabytes = args.length > 0 ? Long.parseLong(args[0]) : 200;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 1452;
        int window = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        String heap = args.length > 3 ? args[3] : "1g";
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap, "-XX:+UseG1GC"));
        String jfr = System.getProperty("relay.jfr"); // -Drelay.jfr=FILE profiles the relay process
        if (jfr != null) {
            cmd.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchRelayMain.class.getName()));
        Process relay = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader relayOut = new BufferedReader(new InputStreamReader(relay.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = relayOut.readLine();
            while (line != null && !line.startsWith("PORT ")) {
                line = relayOut.readLine(); // e.g. JFR's startup message
            }
            if (line == null || !line.startsWith("PORT ")) {
                throw new IllegalStateException("relay did not start: " + line);
            }
            URI base = URI.create("http://127.0.0.1:" + line.substring(5).strip());
            AtomicLong received = new AtomicLong();
            AtomicLong receivedBytes = new AtomicLong();
            PrivateKey a = PrivateKey.generate();
            PrivateKey b = PrivateKey.generate();
            RelayClientOptions opts = RelayClientOptions.defaults();
            try (RelayClient sender = RelayClient.start(base.resolve("/relay"), a, (s, buf, off, len) -> { }, opts);
                 RelayClient receiver = RelayClient.start(base.resolve("/relay"), b, (s, buf, off, len) -> {
                     received.incrementAndGet();
                     receivedBytes.addAndGet(len);
                 }, opts)) {
                while (!sender.isConnected() || !receiver.isConnected()) {
                    Thread.sleep(10);
                }
                byte[] packet = new byte[size];
                System.out.printf("relay bench: %d MB of %d-byte packets, window %s, relay pid %d, %d cores%n",
                        megabytes, size, window == 0 ? "none" : window + " packets", relay.pid(),
                        Runtime.getRuntime().availableProcessors());
                transfer(sender, b.publicKey(), packet, 50L << 20, window, received); // warm-up (JIT)
                RelayStats before = stats(base);
                long cpuBefore = cpuNanos(relay);
                long bytesBefore = receivedBytes.get();
                long t0 = System.nanoTime();
                long sent = transfer(sender, b.publicKey(), packet, megabytes << 20, window, received);
                long elapsed = System.nanoTime() - t0;
                long cpu = cpuNanos(relay) - cpuBefore;
                RelayStats after = stats(base);
                long delivered = receivedBytes.get() - bytesBefore;
                double seconds = elapsed / 1e9;
                System.out.printf("sent %d packets, delivered %.1f MB (%.2f%%) in %.2f s: %.0f MB/s = %.2f Gbit/s%n",
                        sent, delivered / 1e6, 100.0 * delivered / ((double) sent * size), seconds,
                        delivered / 1e6 / seconds, delivered * 8 / 1e9 / seconds);
                System.out.printf("relay CPU %.2f s = %.2f CPU s per GB relayed (%.0f%% of a core); drops at the relay %d%n",
                        cpu / 1e9, cpu / 1e9 / (delivered / 1e9), 100.0 * cpu / elapsed,
                        after.dropsQueueFull() - before.dropsQueueFull());
                System.out.printf("relay counted %d packets, %.1f MB relayed%n",
                        after.packetsRelayed() - before.packetsRelayed(),
                        (after.bytesRelayed() - before.bytesRelayed()) / 1e6);
            }
        } finally {
            relay.getOutputStream().close();
            relay.waitFor();
        }
    }

    /**
     * Sends {@code total} bytes, at most {@code window} packets ahead of what arrived (0: as
     * fast as the sender's queue takes them); waits for the tail to arrive.
     */
    private static long transfer(RelayClient sender, PublicKey dst, byte[] packet, long total, int window,
                                 AtomicLong received) throws InterruptedException {
        long n = total / packet.length;
        long start = received.get();
        for (long i = 0; i < n; ) {
            if (window > 0 && i - (received.get() - start) >= window) {
                Thread.onSpinWait();
            } else if (sender.send(dst, packet, 0, packet.length)) {
                i++;
            } else {
                Thread.onSpinWait();
            }
        }
        long last = -1;
        while (received.get() - start < n && received.get() != last) {
            last = received.get();
            Thread.sleep(200); // until everything arrived or nothing more comes (dropped)
        }
        return n;
    }

    private static long cpuNanos(Process p) {
        return p.toHandle().info().totalCpuDuration().orElseThrow().toNanos();
    }

    private static RelayStats stats(URI base) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String body = http.send(HttpRequest.newBuilder(base.resolve("/relay/stats")).timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        return ApiJson.MAPPER.readValue(body, RelayStats.class);
    }
}
