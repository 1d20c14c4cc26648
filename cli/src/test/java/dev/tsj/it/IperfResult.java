package dev.tsj.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Locale;

/**
 * What an iperf3 TCP run reported (its -J output). The receiver's byte count stops when the
 * sender reports the end, so it can fall a few MB short of what TCP still delivers; whole
 * delivery is checked on the WireGuard counters instead.
 */
public record IperfResult(String label, long bytesSent, long bytesReceived, double bitsPerSecond, long retransmits, double seconds) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses iperf3 -J output; throws with iperf's own error when the run failed. */
    public static IperfResult parse(String label, String json) throws IOException {
        JsonNode root = JSON.readTree(json);
        if (root.hasNonNull("error")) {
            throw new IOException("iperf3: " + root.get("error").asText());
        }
        JsonNode received = root.path("end").path("sum_received");
        JsonNode sent = root.path("end").path("sum_sent");
        if (received.isMissingNode()) {
            throw new IOException("iperf3 JSON has no end.sum_received");
        }
        return new IperfResult(label, sent.path("bytes").asLong(), received.path("bytes").asLong(), received.path("bits_per_second").asDouble(),
                sent.path("retransmits").asLong(), received.path("seconds").asDouble());
    }

    public double megabitsPerSecond() {
        return bitsPerSecond / 1e6;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s: %d MiB in %.1f s, %.0f Mbit/s, %d retransmits",
                label, bytesSent >> 20, seconds, megabitsPerSecond(), retransmits);
    }
}
