package dev.tsj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tsj.cli.client.LocalApiClient;
import java.util.Iterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tsj down|logout|ip|ping}: small commands over the LocalAPI. */
final class SimpleClientCommands {
    private SimpleClientCommands() {}

    @Command(name = "down", description = "Disconnect from the tailnet (the node stays registered)")
    static final class Down extends ClientCommand {
        @Override
        int run(LocalApiClient api) throws Exception {
            api.post("/localapi/v0/down", null);
            return 0;
        }
    }

    @Command(name = "logout", description = "Disconnect and forget this node's registration")
    static final class Logout extends ClientCommand {
        @Override
        int run(LocalApiClient api) throws Exception {
            api.post("/localapi/v0/logout", null);
            return 0;
        }
    }

    @Command(name = "ip", description = "Print this node's tailnet addresses, or a peer's")
    static final class Ip extends ClientCommand {
        @Option(names = "-4", description = "IPv4 only")
        boolean v4;

        @Option(names = "-6", description = "IPv6 only")
        boolean v6;

        @Parameters(arity = "0..1", paramLabel = "PEER")
        String peer;

        @Override
        int run(LocalApiClient api) throws Exception {
            JsonNode st = api.get("/localapi/v0/status");
            JsonNode ips = st.path("TailscaleIPs");
            if (peer != null) {
                JsonNode p = StatusCommand.findPeer(st, peer);
                if (p == null) {
                    System.err.println("tsj ip: no peer \"" + peer + "\" in the tailnet");
                    return 1;
                }
                ips = p.path("TailscaleIPs");
            } else if (ips.isEmpty()) {
                System.err.println("tsj ip: the node has no address yet (run tsj up)");
                return 1;
            }
            for (JsonNode ip : ips) {
                boolean isV6 = ip.asText().contains(":");
                if ((!v4 && !v6) || (v4 && !isV6) || (v6 && isV6)) {
                    System.out.println(ip.asText());
                }
            }
            return 0;
        }
    }

    @Command(name = "ping", description = "Ping a peer through the tunnel; reports the path and the round trip")
    static final class Ping extends ClientCommand {
        static final long PING_INTERVAL_MILLIS = 1000;

        @Parameters(paramLabel = "PEER", description = "host name or tailnet IP")
        String target;

        @Option(names = {"-c", "--c"}, description = "pings to send; 0 = stop at the first pong (default)", defaultValue = "0")
        int count;

        @Option(names = "--timeout", description = "per-ping timeout (default ${DEFAULT-VALUE})", defaultValue = "5s")
        String timeout;

        @Override
        int run(LocalApiClient api) throws Exception {
            ObjectNode req = new ObjectMapper().createObjectNode().put("target", target)
                    .put("timeoutMillis", UpCommand.Durations.parse(timeout, "--timeout").toMillis());
            int attempts = count > 0 ? count : 10;
            int pongs = 0;
            for (int i = 0; i < attempts; i++) {
                if (i > 0) {
                    // A second apart, as tailscale ping: discovery needs a round trip or two to
                    // prove a direct path, which back-to-back pings would all finish before.
                    Thread.sleep(PING_INTERVAL_MILLIS);
                }
                try {
                    JsonNode p = api.post("/localapi/v0/ping", req);
                    pongs++;
                    System.out.printf("pong from %s (%s) via %s in %.1fms%n", p.path("peer").asText(), p.path("ip").asText(),
                            p.path("via").asText().isEmpty() ? "?" : p.path("via").asText(), p.path("millis").asDouble());
                    if (count == 0 && p.path("direct").asBoolean()) {
                        return 0; // the path is direct: done, as tailscale ping stops
                    }
                } catch (LocalApiClient.ApiException e) {
                    if (e.status == 404 || e.status == 409 || e.status == 0) {
                        throw e;
                    }
                    System.out.println(e.getMessage());
                }
            }
            return pongs > 0 ? 0 : 1;
        }
    }

    @Command(name = "netcheck", description = "Report UDP reachability, the outside address, NAT behaviour and relay latency")
    static final class Netcheck extends ClientCommand {
        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Override
        int run(LocalApiClient api) throws Exception {
            JsonNode r = api.get("/localapi/v0/netcheck");
            if (json) {
                System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(r));
                return 0;
            }
            System.out.println("Report:");
            System.out.println("\t* UDP: " + r.path("UDP").asBoolean());
            for (JsonNode m : r.path("MappedAddresses")) {
                System.out.println("\t* Mapped address: " + m.asText());
            }
            System.out.println("\t* Mapping varies by destination: " + r.path("MappingVariesByDestIP").asBoolean());
            System.out.println("\t* Nearest relay: " + (r.path("PreferredRelay").asText().isEmpty() ? "(none)" : r.path("PreferredRelay").asText()));
            System.out.println("\t* Relay latency:");
            r.path("RelayLatencyMillis").fields().forEachRemaining(e -> System.out.printf("\t\t- %s: %s%n", e.getKey(),
                    e.getValue().asDouble() < 0 ? "unreachable" : String.format("%.1fms", e.getValue().asDouble())));
            return 0;
        }
    }

    static Iterator<JsonNode> peers(JsonNode status) {
        return status.path("Peer").elements();
    }
}
