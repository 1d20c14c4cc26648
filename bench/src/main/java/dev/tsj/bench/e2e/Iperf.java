package dev.tsj.bench.e2e;

import static dev.tsj.bench.e2e.Testbed.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** iperf3 through the tunnel: client in namespace A, server in B, results from its JSON. */
final class Iperf {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int PORT = 5201;
    /** UDP payload that fills a 1420-byte tunnel MTU exactly (IPv4 20 + UDP 8 headers). */
    static final int UDP_PAYLOAD = TUNNEL_MTU - 28;

    /** One kind of load. */
    record Load(String name, int streams, String udpRate) {
        boolean udp() {
            return udpRate != null;
        }
    }

    /** What one run moved: received throughput, bytes, TCP retransmits, UDP loss. */
    record Outcome(double gbps, long bytes, long retransmits, double lossPercent) {}

    private Iperf() {}

    /** Starts the server in B; the caller destroys it. */
    static Process server(Path log) {
        return Sh.start(log, List.of("ip", "netns", "exec", NS_B, "iperf3", "-s", "-B", TUNNEL_B, "-p", Integer.toString(PORT)));
    }

    static Outcome run(Load load, int seconds) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", NS_A, "iperf3", "-c", TUNNEL_B, "-p", Integer.toString(PORT),
                "-t", Integer.toString(seconds), "-O", "1", "-J", "-P", Integer.toString(load.streams())));
        if (load.udp()) {
            cmd.addAll(List.of("-u", "-b", load.udpRate(), "-l", Integer.toString(UDP_PAYLOAD)));
        }
        Sh.Result r = null;
        long deadline = System.nanoTime() + 15_000_000_000L;
        do { // the server may still be starting
            r = Sh.run(seconds + 30, cmd);
            if (r.exit() == 0 || !r.out().contains("Connection refused")) {
                break;
            }
            sleep();
        } while (System.nanoTime() < deadline);
        try {
            JsonNode root = JSON.readTree(r.out());
            if (root.hasNonNull("error")) {
                throw new HarnessException("iperf3 " + load.name() + ": " + root.get("error").asText());
            }
            JsonNode end = root.path("end");
            if (load.udp()) {
                // iperf3's own lost_percent goes past 100 when the omitted first second is
                // counted on one side only; compare the bytes the two ends report instead.
                JsonNode rx = end.path("sum_received");
                double sent = end.path("sum_sent").path("bytes").asDouble();
                double lost = sent > 0 ? Math.max(0, 100 * (1 - rx.path("bytes").asDouble() / sent)) : 0;
                return new Outcome(rx.path("bits_per_second").asDouble() / 1e9, rx.path("bytes").asLong(), 0, lost);
            }
            JsonNode rx = end.path("sum_received");
            return new Outcome(rx.path("bits_per_second").asDouble() / 1e9, rx.path("bytes").asLong(),
                    end.path("sum_sent").path("retransmits").asLong(), 0);
        } catch (java.io.IOException e) {
            throw new HarnessException("iperf3 " + load.name() + ": unreadable output: " + Sh.firstLine(r.out() + r.err()));
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
