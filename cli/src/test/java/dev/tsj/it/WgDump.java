package dev.tsj.it;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What {@code wg show NAME dump} prints: the interface line (private key, public key,
 * listen port, fwmark) and a line per peer, tab-separated, "(none)" and "off" for unset.
 */
record WgDump(String privateKey, String publicKey, int listenPort, String fwmark, List<Peer> peers) {
    record Peer(String publicKey, String presharedKey, String endpoint, List<String> allowedIps,
                long latestHandshake, long rxBytes, long txBytes, String persistentKeepalive) {
        boolean hasHandshake() {
            return latestHandshake != 0;
        }
    }

    static WgDump parse(String text) {
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("empty wg dump");
        }
        String[] itf = fields(lines.getFirst(), 4);
        List<Peer> peers = lines.subList(1, lines.size()).stream().map(l -> {
            String[] f = fields(l, 8);
            List<String> ips = f[3].equals("(none)") ? List.of() : Arrays.asList(f[3].split(","));
            return new Peer(f[0], f[1], f[2], List.copyOf(ips), Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]), f[7]);
        }).toList();
        return new WgDump(itf[0], itf[1], Integer.parseInt(itf[2]), itf[3], peers);
    }

    private static String[] fields(String line, int count) {
        String[] f = line.split("\t");
        if (f.length != count) {
            throw new IllegalArgumentException("expected " + count + " tab-separated fields in wg dump line: " + line);
        }
        return f;
    }

    Optional<Peer> peer(String publicKey) {
        return peers.stream().filter(p -> p.publicKey.equals(publicKey)).findFirst();
    }

    /** The peer, or an AssertionError showing the whole dump. */
    Peer requirePeer(String publicKey) {
        return peer(publicKey).orElseThrow(() -> new AssertionError("peer " + publicKey + " not in wg dump: " + this));
    }
}
