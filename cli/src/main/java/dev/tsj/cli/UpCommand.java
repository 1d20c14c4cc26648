package dev.tsj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tsj.cli.client.LocalApiClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tsj up}: join the tailnet (registering with an auth key the first time). */
@Command(name = "up", description = "Connect to the tailnet, registering with an auth key if needed")
final class UpCommand extends ClientCommand {
    @Option(names = "--login-server", description = "coordination server URL (default http://127.0.0.1:8080)")
    String loginServer;

    @Option(names = {"--auth-key", "--authkey"}, description = "auth key, or file:PATH to read it from a file")
    String authKey;

    @Option(names = "--hostname", description = "name to use instead of the host's")
    String hostname;

    @Option(names = "--advertise-routes", description = "subnet routes to offer, e.g. 203.0.113.0/24,2001:db8:1::/64 (empty clears)")
    String advertiseRoutes;

    @Option(names = "--accept-routes", arity = "0..1", fallbackValue = "true", description = "use other nodes' subnet routes (default false)")
    Boolean acceptRoutes;

    @Option(names = "--advertise-tags", description = "tags to ask for, e.g. tag:server")
    String advertiseTags;

    @Option(names = "--snat-subnet-routes", arity = "0..1", fallbackValue = "true",
            description = "source-NAT traffic routed to advertised subnets (default true)")
    Boolean snat;

    @Option(names = "--reset", description = "reset unspecified settings to their defaults")
    boolean reset;

    @Option(names = "--timeout", description = "how long to wait for the tailnet (e.g. 30s, 2m; default 30s)", defaultValue = "30s")
    String timeout;

    @Override
    int run(LocalApiClient api) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode req = json.createObjectNode();
        put(req, "loginServer", loginServer);
        if (authKey != null) {
            req.put("authKey", readAuthKey(authKey));
        }
        put(req, "hostname", hostname);
        if (advertiseRoutes != null) {
            var arr = req.putArray("advertiseRoutes");
            Arrays.stream(advertiseRoutes.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(arr::add);
        }
        if (acceptRoutes != null) {
            req.put("acceptRoutes", acceptRoutes);
        }
        if (advertiseTags != null) {
            var arr = req.putArray("advertiseTags");
            Arrays.stream(advertiseTags.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(arr::add);
        }
        if (snat != null) {
            req.put("snatSubnetRoutes", snat);
        }
        req.put("reset", reset);
        req.put("timeoutMillis", Durations.parse(timeout, "--timeout").toMillis());
        JsonNode r = api.post("/localapi/v0/up", req);
        System.out.println("Success. " + r.path("name").asText() + " is up at " + String.join(", ",
                json.convertValue(r.path("addresses"), String[].class)) + " with " + r.path("peers").asInt() + " peers.");
        return 0;
    }

    private static void put(ObjectNode o, String k, String v) {
        if (v != null) {
            o.put(k, v);
        }
    }

    static String readAuthKey(String spec) throws IOException {
        if (!spec.startsWith("file:")) {
            return spec;
        }
        Path p = Path.of(spec.substring(5));
        try {
            return Files.readString(p).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read auth key file " + p + ": " + e.getMessage());
        }
    }

    static final class Durations {
        private Durations() {}

        static Duration parse(String text, String flag) {
            String t = text.strip();
            try {
                if (t.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
                }
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                return switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> throw new NumberFormatException();
                };
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(flag + ": \"" + text + "\" is not a duration (e.g. 30s, 2m)");
            }
        }
    }
}
