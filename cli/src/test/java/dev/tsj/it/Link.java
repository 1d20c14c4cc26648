package dev.tsj.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A network interface as {@code ip -j addr show dev NAME} describes it inside a namespace. */
record Link(String name, int mtu, List<String> flags, List<String> addresses) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The interface, or empty when the namespace has none of that name. */
    static Optional<Link> inspect(Netns ns, String name) {
        CmdResult r = ns.exec("ip", "-j", "addr", "show", "dev", name);
        if (!r.ok()) {
            return Optional.empty();
        }
        try {
            JsonNode arr = JSON.readTree(r.output());
            if (!arr.isArray() || arr.isEmpty()) {
                return Optional.empty();
            }
            JsonNode l = arr.get(0);
            List<String> flags = new ArrayList<>();
            l.path("flags").forEach(f -> flags.add(f.asText()));
            List<String> addrs = new ArrayList<>();
            l.path("addr_info").forEach(a -> addrs.add(a.path("local").asText() + "/" + a.path("prefixlen").asInt()));
            return Optional.of(new Link(l.path("ifname").asText(), l.path("mtu").asInt(), List.copyOf(flags), List.copyOf(addrs)));
        } catch (IOException e) {
            throw new UncheckedIOException("ip -j addr show dev " + name + ": " + r.output(), e);
        }
    }

    boolean up() {
        return flags.contains("UP");
    }
}
