package dev.tsj.daemon.router;

import java.io.IOException;
import java.util.List;

/**
 * The fallback where the {@code nft} tool is missing: iptables(-nft) chains of tsj's own,
 * {@code TSJ-FORWARD} and {@code TSJ-POSTROUTING}, each entered by one jump rule; flushed
 * and refilled on install, so repeated installs leave one copy.
 */
final class IptablesSnat implements SnatBackend {
    private static final String FWD = "TSJ-FORWARD";
    private static final String NAT = "TSJ-POSTROUTING";

    @Override
    public String name() {
        return "iptables";
    }

    @Override
    public void install(String tun, List<String> subnets, boolean snat) throws IOException {
        for (boolean v6 : new boolean[] {false, true}) {
            String cmd = v6 ? "ip6tables" : "iptables";
            ensureChain(cmd, "filter", FWD, "FORWARD");
            ensureChain(cmd, "nat", NAT, "POSTROUTING");
            Commands.run(List.of(cmd, "-t", "filter", "-A", FWD, "-i", tun, "-j", "ACCEPT"), null);
            Commands.run(List.of(cmd, "-t", "filter", "-A", FWD, "-o", tun, "-m", "conntrack", "--ctstate",
                    "RELATED,ESTABLISHED", "-j", "ACCEPT"), null);
            if (!snat) {
                continue;
            }
            for (String s : subnets) {
                if (s.contains(":") == v6) {
                    Commands.run(List.of(cmd, "-t", "nat", "-A", NAT, "-i", tun, "!", "-o", tun, "-d", s, "-j", "MASQUERADE"), null);
                }
            }
        }
    }

    private static void ensureChain(String cmd, String table, String chain, String parent) throws IOException {
        Commands.tryRun(List.of(cmd, "-t", table, "-N", chain), null);
        Commands.run(List.of(cmd, "-t", table, "-F", chain), null);
        if (Commands.tryRun(List.of(cmd, "-t", table, "-C", parent, "-j", chain), null).code() != 0) {
            Commands.run(List.of(cmd, "-t", table, "-A", parent, "-j", chain), null);
        }
    }

    @Override
    public void remove() {
        for (String cmd : new String[] {"iptables", "ip6tables"}) {
            for (String[] tc : new String[][] {{"filter", FWD, "FORWARD"}, {"nat", NAT, "POSTROUTING"}}) {
                while (Commands.tryRun(List.of(cmd, "-t", tc[0], "-D", tc[2], "-j", tc[1]), null).code() == 0) {
                    // remove every jump, in case of duplicates
                }
                Commands.tryRun(List.of(cmd, "-t", tc[0], "-F", tc[1]), null);
                Commands.tryRun(List.of(cmd, "-t", tc[0], "-X", tc[1]), null);
            }
        }
    }
}
