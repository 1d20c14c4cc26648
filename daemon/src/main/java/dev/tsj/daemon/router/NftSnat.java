package dev.tsj.daemon.router;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * tsj's own nftables table, {@code inet tsj}: replaced as a whole in one {@code nft -f}
 * transaction (declare, flush, define), so it is either absent or exactly as wanted, and
 * deleted as a whole. Nothing outside it is touched.
 */
final class NftSnat implements SnatBackend {
    static final String TABLE = "tsj";

    @Override
    public String name() {
        return "nftables";
    }

    static String script(String tun, List<String> subnets, boolean snat) {
        List<String> v4 = new ArrayList<>();
        List<String> v6 = new ArrayList<>();
        for (String s : subnets) {
            (s.contains(":") ? v6 : v4).add(s);
        }
        StringBuilder sb = new StringBuilder();
        sb.append("table inet ").append(TABLE).append(" {}\n");
        sb.append("flush table inet ").append(TABLE).append('\n');
        sb.append("table inet ").append(TABLE).append(" {\n");
        sb.append("  chain forward {\n    type filter hook forward priority filter; policy accept;\n");
        sb.append("    iifname \"").append(tun).append("\" accept\n");
        sb.append("    oifname \"").append(tun).append("\" ct state related,established accept\n  }\n");
        if (snat && !(v4.isEmpty() && v6.isEmpty())) {
            sb.append("  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n");
            if (!v4.isEmpty()) {
                sb.append("    iifname \"").append(tun).append("\" oifname != \"").append(tun)
                        .append("\" ip daddr { ").append(String.join(", ", v4)).append(" } masquerade\n");
            }
            if (!v6.isEmpty()) {
                sb.append("    iifname \"").append(tun).append("\" oifname != \"").append(tun)
                        .append("\" ip6 daddr { ").append(String.join(", ", v6)).append(" } masquerade\n");
            }
            sb.append("  }\n");
        }
        sb.append("}\n");
        return sb.toString();
    }

    @Override
    public void install(String tun, List<String> subnets, boolean snat) throws IOException {
        Commands.run(List.of("nft", "-f", "-"), script(tun, subnets, snat));
    }

    @Override
    public void remove() throws IOException {
        Commands.Result r = Commands.tryRun(List.of("nft", "delete", "table", "inet", TABLE), null);
        if (r.code() != 0 && !r.output().contains("No such file or directory")) {
            throw new IOException("nft delete table inet " + TABLE + " failed: " + r.output().strip());
        }
    }
}
