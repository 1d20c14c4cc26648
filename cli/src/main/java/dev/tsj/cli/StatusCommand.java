package dev.tsj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tsj.cli.client.LocalApiClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tsj status}: a line per node as {@code tailscale status} prints, or the JSON. */
@Command(name = "status", description = "Show this node and its peers")
final class StatusCommand extends ClientCommand {
    @Option(names = "--json", description = "print the full status as JSON")
    boolean json;

    @Override
    int run(LocalApiClient api) throws Exception {
        JsonNode st = api.get("/localapi/v0/status");
        if (json) {
            System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(st));
            return 0;
        }
        String backend = st.path("BackendState").asText();
        JsonNode self = st.path("Self");
        if (self.isMissingNode() || self.isNull()) {
            System.out.println(switch (backend) {
                case "NeedsLogin" -> "Logged out. Log in with: tsj up --auth-key KEY --login-server URL";
                case "Stopped" -> "tsj is stopped. Start it with: tsj up";
                default -> "tsj is " + backend;
            });
            for (JsonNode h : st.path("Health")) {
                System.out.println("# " + h.asText());
            }
            return backend.equals("Running") ? 0 : 1;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(row(self, "-"));
        for (Iterator<JsonNode> it = st.path("Peer").elements(); it.hasNext(); ) {
            JsonNode p = it.next();
            rows.add(row(p, peerState(p)));
        }
        int[] w = new int[4];
        for (String[] r : rows) {
            for (int i = 0; i < 4; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            System.out.printf("%-" + w[0] + "s  %-" + w[1] + "s  %-" + w[2] + "s  %-" + w[3] + "s  %s%n",
                    r[0], r[1], r[2], r[3], r[4]);
        }
        if (!backend.equals("Running")) {
            System.out.println("# backend: " + backend);
        }
        if (!st.path("TUN").asBoolean(true)) {
            System.out.println("# " + st.path("Dataplane").asText("userspace networking"));
        }
        for (JsonNode h : st.path("Health")) {
            System.out.println("# " + h.asText());
        }
        long dropped = st.path("FilterDroppedPackets").asLong();
        if (dropped > 0) {
            System.out.println("# " + dropped + " packets from peers dropped by the tailnet policy");
        }
        return 0;
    }

    private static String[] row(JsonNode n, String state) {
        String ip = n.path("TailscaleIPs").path(0).asText("-");
        String owner = n.path("Tags").isEmpty() ? shortUser(n.path("User").asText()) : String.join(",", texts(n.path("Tags")));
        return new String[] {ip, n.path("HostName").asText(), owner, n.path("OS").asText(), state};
    }

    private static String shortUser(String login) {
        int at = login.indexOf('@');
        return at < 0 ? login + "@" : login.substring(0, at + 1);
    }

    private static List<String> texts(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(t -> out.add(t.asText()));
        return out;
    }

    private static String peerState(JsonNode p) {
        if (!p.path("Online").asBoolean()) {
            return "offline";
        }
        String hs = p.path("LastHandshake").asText();
        boolean active = !hs.startsWith("0001") && Duration.between(Instant.parse(hs), Instant.now()).toMinutes() < 3;
        if (!active) {
            return "idle";
        }
        String relay = p.path("Relay").asText();
        String cur = p.path("CurAddr").asText();
        String path = !cur.isEmpty() ? "direct " + cur : !relay.isEmpty() ? "relay \"" + relay + "\"" : "-";
        return "active; " + path + ", tx " + p.path("TxBytes").asLong() + " rx " + p.path("RxBytes").asLong();
    }

    /** A peer by host name, DNS name or IP, from status JSON. */
    static JsonNode findPeer(JsonNode st, String target) {
        for (Iterator<JsonNode> it = st.path("Peer").elements(); it.hasNext(); ) {
            JsonNode p = it.next();
            if (target.equalsIgnoreCase(p.path("HostName").asText()) || p.path("DNSName").asText().startsWith(target + ".")) {
                return p;
            }
            for (JsonNode ip : p.path("TailscaleIPs")) {
                if (ip.asText().equals(target)) {
                    return p;
                }
            }
        }
        return null;
    }
}
