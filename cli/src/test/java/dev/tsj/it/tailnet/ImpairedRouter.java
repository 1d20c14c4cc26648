package dev.tsj.it.tailnet;

import dev.tsj.it.BgProcess;
import dev.tsj.it.Netns;
import dev.tsj.it.Poll;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A router namespace whose forwarded traffic can be sent through an impaired link, for a
 * kernel without netem: while {@link #impair} is on, a policy rule per inbound interface
 * routes what the router forwards into a TUN device that {@code impair.py} owns; the
 * program drops, delays and (by jitter) reorders the packets and writes them back, and the
 * kernel forwards them on, since packets arriving from the TUN match no rule. The
 * impairment is real: every packet crosses the kernel's forwarding path twice.
 */
final class ImpairedRouter {
    private static final String TABLE = "100";
    private static final String PRIORITY = "100";

    private final Netns ns;
    private final List<String> interfaces;
    private final BgProcess program;
    private boolean on;

    private ImpairedRouter(Netns ns, List<String> interfaces, BgProcess program) {
        this.ns = ns;
        this.interfaces = List.copyOf(interfaces);
        this.program = program;
    }

    /**
     * Makes {@code ns} forward between {@code interfaces} and starts the impairment program on
     * a TUN named {@code tun}: {@code loss} (0..1) of the packets dropped, the others held
     * {@code delayMs} +- {@code jitterMs}. Starts with the impairment off.
     */
    static ImpairedRouter start(Lab lab, Netns ns, List<String> interfaces, String tun, double loss, int delayMs, int jitterMs) {
        ns.run("sysctl", "-qw", "net.ipv4.ip_forward=1");
        // The written-back packets arrive on the TUN with sources routed elsewhere: strict
        // reverse-path filtering would drop them.
        ns.run("sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0");
        ns.run("sysctl", "-qw", "net.ipv4.conf.default.rp_filter=0");
        BgProcess p = ns.spawn("impair", lab.logs.resolve("impair.log"), Map.of(), "python3", "-u",
                TestScripts.path("userspace/impair.py"), tun, Double.toString(loss), Integer.toString(delayMs),
                Integer.toString(jitterMs), "6");
        Poll.until(Duration.ofSeconds(10), "impair.py to create " + tun, p::tail, () -> {
            if (!p.alive()) {
                throw new AssertionError("impair.py exited\n" + p.tail());
            }
            return p.output().contains("ready");
        });
        ns.run("ip", "link", "set", tun, "up");
        ns.run("ip", "route", "add", "default", "dev", tun, "table", TABLE);
        return new ImpairedRouter(ns, interfaces, p);
    }

    /** Turns the impairment on or off (policy rules added or removed). */
    void impair(boolean wanted) {
        if (wanted == on) {
            return;
        }
        for (String iface : interfaces) {
            ns.run("ip", "rule", wanted ? "add" : "del", "iif", iface, "lookup", TABLE, "priority", PRIORITY);
        }
        on = wanted;
    }

    /** What the program did so far: its last "stats received=R dropped=D reordered=O" line. */
    Stats stats() {
        List<String> lines = program.output().lines().filter(l -> l.startsWith("stats ")).toList();
        if (lines.isEmpty()) {
            return new Stats(0, 0, 0);
        }
        String[] f = lines.getLast().split("\\s+");
        return new Stats(value(f[1]), value(f[2]), value(f[3]));
    }

    private static long value(String field) {
        return Long.parseLong(field.substring(field.indexOf('=') + 1));
    }

    String tail() {
        return program.tail();
    }

    record Stats(long received, long dropped, long reordered) {
        Stats minus(Stats earlier) {
            return new Stats(received - earlier.received, dropped - earlier.dropped, reordered - earlier.reordered);
        }

        @Override
        public String toString() {
            return String.format("%d packets, %d dropped (%.1f%%), %d reordered (%.1f%%)", received, dropped,
                    received == 0 ? 0.0 : 100.0 * dropped / received, reordered, received == 0 ? 0.0 : 100.0 * reordered / received);
        }
    }
}
