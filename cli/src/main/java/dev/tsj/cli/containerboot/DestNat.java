package dev.tsj.cli.containerboot;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * TSJ_DEST_IP, the proxy pod: everything arriving on the tailnet interface for the node's
 * own tailnet address is DNATed to one IP (a ClusterIP, say), and masqueraded on its way
 * there so that replies come back through this pod (the cluster does not route the
 * tailnet range). The rules live in containerboot's own nftables table, replaced whole in
 * one {@code nft -f} transaction (so installing twice is harmless) and deleted on exit.
 */
final class DestNat {
    private static final Logger LOG = Logger.getLogger(DestNat.class.getName());
    static final String TABLE = "tsj-containerboot";

    private final String tun;
    private final InetAddress dest;
    private String installedFor;

    DestNat(String tun, InetAddress dest) {
        this.tun = tun;
        this.dest = dest;
    }

    static Path forwardingKnob(boolean ipv6) {
        return Path.of(ipv6 ? "/proc/sys/net/ipv6/conf/all/forwarding" : "/proc/sys/net/ipv4/ip_forward");
    }

    private boolean v6() {
        return dest instanceof Inet6Address;
    }

    private String family() {
        return v6() ? "ip6" : "ip";
    }

    /** The ruleset for the node's address of DEST_IP's family. */
    static String script(String family, String tun, String self, String dest) {
        return "table " + family + " " + TABLE + " {}\n"
                + "flush table " + family + " " + TABLE + "\n"
                + "table " + family + " " + TABLE + " {\n"
                + "  chain prerouting {\n"
                + "    type nat hook prerouting priority dstnat; policy accept;\n"
                + "    iifname \"" + tun + "\" " + family + " daddr " + self + " dnat to " + dest + "\n"
                + "  }\n"
                + "  chain postrouting {\n"
                + "    type nat hook postrouting priority srcnat; policy accept;\n"
                + "    iifname \"" + tun + "\" " + family + " daddr " + dest + " ct status dnat masquerade\n"
                + "  }\n"
                + "}\n";
    }

    /** Points the node's tailnet address (of DEST_IP's family, from {@code addresses}) at DEST_IP. */
    void install(List<String> addresses) throws IOException {
        String self = addresses.stream().filter(a -> a.contains(":") == v6()).findFirst().orElseThrow(() ->
                new IOException("TSJ_DEST_IP " + dest.getHostAddress() + ": the node has no " + (v6() ? "IPv6" : "IPv4")
                        + " tailnet address to forward"));
        if (self.equals(installedFor)) {
            return;
        }
        enableForwarding();
        nft(List.of("nft", "-f", "-"), script(family(), tun, self, dest.getHostAddress()));
        installedFor = self;
        LOG.info("forwarding tailnet traffic for " + self + " to " + dest.getHostAddress());
    }

    private void enableForwarding() throws IOException {
        Path knob = forwardingKnob(v6());
        if (!Files.readString(knob).strip().equals("1")) {
            Files.writeString(knob, "1\n");
        }
    }

    void remove() {
        if (installedFor == null) {
            return;
        }
        try {
            nft(List.of("nft", "delete", "table", family(), TABLE), null);
            installedFor = null;
        } catch (IOException e) {
            LOG.warning("removing the TSJ_DEST_IP rules: " + e.getMessage());
        }
    }

    private static void nft(List<String> cmd, String stdin) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " failed: " + out.strip().replace('\n', ' '));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running nft");
        }
    }
}
