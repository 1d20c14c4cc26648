package dev.tsj.daemon.router;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/** IPv4/IPv6 forwarding, which a subnet router needs on; turned on, never off (others may rely on it). */
final class Forwarding {
    private static final Logger LOG = Logger.getLogger(Forwarding.class.getName());
    static final Path V4 = Path.of("/proc/sys/net/ipv4/ip_forward");
    static final Path V6 = Path.of("/proc/sys/net/ipv6/conf/all/forwarding");

    private Forwarding() {}

    /** Enables forwarding for the families in {@code subnets}; returns problems for status. */
    static List<String> enable(List<String> subnets) {
        List<String> problems = new ArrayList<>();
        boolean v4 = subnets.stream().anyMatch(s -> !s.contains(":"));
        boolean v6 = subnets.stream().anyMatch(s -> s.contains(":"));
        if (v4) {
            turnOn(V4, "IPv4", problems);
        }
        if (v6) {
            turnOn(V6, "IPv6", problems);
        }
        return problems;
    }

    private static void turnOn(Path knob, String family, List<String> problems) {
        try {
            if (Files.readString(knob).strip().equals("1")) {
                return;
            }
            Files.writeString(knob, "1\n");
            LOG.info(family + " forwarding turned on (" + knob + ") to route advertised subnets");
        } catch (IOException e) {
            String m = family + " forwarding is off and tsjd could not turn it on (" + e.getMessage()
                    + "): advertised " + family + " subnets are unreachable; run sysctl -w "
                    + (family.equals("IPv4") ? "net.ipv4.ip_forward=1" : "net.ipv6.conf.all.forwarding=1");
            LOG.warning(m);
            problems.add(m);
        }
    }
}
