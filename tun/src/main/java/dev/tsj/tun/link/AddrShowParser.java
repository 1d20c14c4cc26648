package dev.tsj.tun.link;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the one-line-per-address output of {@code ip -o addr show}, e.g.
 * {@code 2: eth0    inet 198.51.100.7/24 brd 198.51.100.255 scope global eth0\ ...} or, for a
 * point-to-point address, {@code inet 100.64.9.5 peer 100.64.9.6/32 scope global tun0}.
 */
final class AddrShowParser {
    private AddrShowParser() {}

    static List<ConnectedNetwork> connectedNetworks(String output) {
        List<ConnectedNetwork> out = new ArrayList<>();
        for (String line : output.split("\n")) {
            String[] t = line.trim().split("\\s+");
            // t[0] "2:", t[1] device, t[2] inet|inet6, t[3] address[/len], then attributes.
            if (t.length < 4 || !(t[2].equals("inet") || t[2].equals("inet6"))) continue;
            String device = t[1];
            int at = device.indexOf('@'); // veth0@if5
            if (at > 0) device = device.substring(0, at);
            String prefix = t[3];
            String scope = "global";
            for (int i = 4; i + 1 < t.length; i++) {
                if (t[i].equals("peer")) prefix = t[i + 1];
                if (t[i].equals("scope")) scope = t[i + 1];
            }
            if (scope.equals("host") || scope.equals("link")) continue;
            IpPrefix p;
            try {
                p = IpPrefix.parse(prefix);
            } catch (IllegalArgumentException e) {
                continue; // not an address we understand: not a network we can compare against
            }
            ConnectedNetwork n = new ConnectedNetwork(device, p.network());
            if (!out.contains(n)) out.add(n);
        }
        return out;
    }
}
