package dev.tsj.it;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A WireGuard configuration in the format {@code wg showconf} prints and {@code wg setconf}
 * reads: an [Interface] section and [Peer] sections of {@code Key = Value} lines.
 */
record WgConf(Map<String, String> interfaceSection, List<Map<String, String>> peers) {
    static WgConf parse(String text) {
        Map<String, String> itf = new LinkedHashMap<>();
        List<Map<String, String>> peers = new ArrayList<>();
        Map<String, String> current = null;
        for (String raw : text.lines().toList()) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.equals("[Interface]")) {
                current = itf;
            } else if (line.equals("[Peer]")) {
                current = new LinkedHashMap<>();
                peers.add(current);
            } else {
                int eq = line.indexOf('=');
                if (current == null || eq < 0) {
                    throw new IllegalArgumentException("not a wg config line: " + raw);
                }
                current.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return new WgConf(itf, peers);
    }

    /** The file text; {@code wg setconf} takes it. */
    String render() {
        StringBuilder sb = new StringBuilder("[Interface]\n");
        interfaceSection.forEach((k, v) -> sb.append(k).append(" = ").append(v).append('\n'));
        for (Map<String, String> p : peers) {
            sb.append("\n[Peer]\n");
            p.forEach((k, v) -> sb.append(k).append(" = ").append(v).append('\n'));
        }
        return sb.toString();
    }

    /**
     * The same configuration with allowed IPs as a sorted set and peers ordered by key, so two
     * configurations compare equal when they mean the same whatever order the daemon lists them in.
     */
    WgConf normalised() {
        List<Map<String, String>> ps = new ArrayList<>();
        for (Map<String, String> p : peers) {
            Map<String, String> n = new LinkedHashMap<>(p);
            n.computeIfPresent("AllowedIPs", (k, v) -> String.join(", ", new TreeSet<>(Arrays.stream(v.split(",")).map(String::strip).toList())));
            ps.add(n);
        }
        ps.sort((x, y) -> x.getOrDefault("PublicKey", "").compareTo(y.getOrDefault("PublicKey", "")));
        return new WgConf(new LinkedHashMap<>(interfaceSection), ps);
    }
}
