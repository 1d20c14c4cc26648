package dev.tsj.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The end-to-end benchmark: tunnel pairs in two namespaces, alternating round by round,
 * each carrying iperf3 loads (TCP one stream, TCP four streams, UDP at a fixed offered
 * load), with CPU per GB, ping RTT and tsjd's peak RSS. Prints a table of medians.
 * Run it as {@code bench/run-e2e --help}.
 */
public final class EndToEnd {
    private EndToEnd() {}

    private static final String USAGE = """
            usage: bench/run-e2e [options]   (root; needs ip, wg, iperf3, ping, wireguard-go)
              --rounds N            rounds; every pair runs once per round (default 3)
              --time S              seconds per iperf3 run after a 1 s omitted warm-up (default 8)
              --warmup S            seconds of TCP through each new pair before measuring, not
                                    counted (default 5: tsjd's JIT compiles the packet path)
              --udp-rate R          UDP offered load, iperf3 -b syntax (default 500M)
              --wireguard-go PATH   wireguard-go binary to compare with (default /usr/bin/wireguard-go)
              --wg-label NAME       its name in the table (default wg-go)
              --tsj-args ARGS       extra arguments for tsj daemon, e.g. --no-offloads
              --variant NAME=OPTS   another tsj end named NAME, run with these extra JVM options
                                    (TSJ_JAVA_OPTS), e.g. --variant par=-Dtsj.crypto.workers=2
              --pairs LIST          comma-separated pairs of ends: tsj, wg or a variant's NAME
                                    (default tsj-tsj,wg-wg,tsj-wg)
              --loads LIST          which loads: tcp-1, tcp-4, udp (default all three)
              --logs DIR            where daemon logs go (default /tmp/tsj-e2e)
            """;

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (HarnessException e) {
            System.err.println("run-e2e: " + e.getMessage());
            System.exit(1);
        }
    }

    static int run(String[] args) {
        int rounds = 3;
        int seconds = 8;
        int warmup = 5;
        String udpRate = "500M";
        Path wgBinary = Path.of("/usr/bin/wireguard-go");
        String wgLabel = "wg-go";
        List<String> tsjArgs = List.of();
        List<String> pairs = List.of("tsj-tsj", "wg-wg", "tsj-wg");
        java.util.Map<String, String> variants = new java.util.LinkedHashMap<>();
        List<String> loadNames = List.of("tcp-1", "tcp-4", "udp");
        Path logs = Path.of("/tmp/tsj-e2e");
        Path launcher = Path.of(System.getProperty("tsj.launcher", "./tsj")).toAbsolutePath();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                System.out.print(USAGE);
                return 0;
            }
            if (i + 1 >= args.length) {
                throw new HarnessException(a + " needs a value (see --help)");
            }
            String v = args[++i];
            switch (a) {
                case "--rounds" -> rounds = positive(a, v);
                case "--time" -> seconds = positive(a, v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--udp-rate" -> udpRate = v;
                case "--wireguard-go" -> wgBinary = Path.of(v).toAbsolutePath();
                case "--wg-label" -> wgLabel = v;
                case "--tsj-args" -> tsjArgs = List.of(v.trim().split("\\s+"));
                case "--pairs" -> pairs = List.of(v.split(","));
                case "--loads" -> loadNames = List.of(v.split(","));
                case "--variant" -> {
                    int eq = v.indexOf('=');
                    if (eq <= 0 || v.substring(0, eq).matches(".*[^a-z0-9].*") || v.startsWith("tsj=") || v.startsWith("wg=")) {
                        throw new HarnessException("--variant wants NAME=JVM-OPTIONS with a new lower-case NAME");
                    }
                    variants.put(v.substring(0, eq), v.substring(eq + 1));
                }
                case "--logs" -> logs = Path.of(v);
                default -> throw new HarnessException("unknown option " + a + " (see --help)");
            }
        }
        if (!Files.isExecutable(wgBinary)) {
            throw new HarnessException("wireguard-go not found at " + wgBinary + " (apt-get install wireguard-go, or --wireguard-go PATH)");
        }
        Implementation tsj = new Implementation.Tsj(launcher, tsjArgs, "tsj", "");
        java.util.Map<String, Implementation> named = new java.util.HashMap<>();
        named.put("tsj", tsj);
        for (var e : variants.entrySet()) {
            named.put(e.getKey(), new Implementation.Tsj(launcher, tsjArgs, e.getKey(), e.getValue()));
        }
        Implementation wg = new Implementation.WireguardGo(wgBinary, wgLabel);
        List<Implementation[]> pairList = new ArrayList<>();
        for (String p : pairs) {
            String[] ends = p.split("-");
            if (ends.length != 2) {
                throw new HarnessException("pair '" + p + "' is not NAME-NAME");
            }
            pairList.add(new Implementation[] {pick(ends[0], named, wg), pick(ends[1], named, wg)});
        }
        List<String> wanted = loadNames;
        List<Iperf.Load> loads = java.util.stream.Stream.of(new Iperf.Load("tcp-1", 1, null), new Iperf.Load("tcp-4", 4, null),
                new Iperf.Load("udp-" + udpRate, 1, udpRate)).filter(l -> wanted.stream().anyMatch(w -> l.name().startsWith(w))).toList();
        if (loads.isEmpty()) {
            throw new HarnessException("--loads names none of tcp-1, tcp-4, udp");
        }
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new HarnessException("cannot create " + logs + ": " + e.getMessage());
        }

        Report report = new Report();
        String tsjPair = null;
        String refPair = null;
        try (Testbed bed = Testbed.create()) {
            for (int round = 1; round <= rounds; round++) {
                for (Implementation[] pair : pairList) {
                    String name = pair[0].label() + "-" + pair[1].label();
                    if (pair[0] == tsj && pair[1] == tsj) tsjPair = name;
                    if (pair[0] == wg && pair[1] == wg) refPair = name;
                    System.err.printf("round %d/%d: %s%n", round, rounds, name);
                    runPair(pair, name, loads, seconds, warmup, logs, report);
                }
            }
        } catch (IOException e) {
            throw new HarnessException(e.getMessage());
        }
        System.out.println();
        System.out.printf("tsj end-to-end: %d rounds, %d s per load, tunnel MTU %d, logs in %s%n%n", rounds, seconds, Testbed.TUNNEL_MTU, logs);
        System.out.print(report.render(loads.stream().map(Iperf.Load::name).toList(), tsjPair, refPair));
        return 0;
    }

    private static void runPair(Implementation[] pair, String name, List<Iperf.Load> loads, int seconds, int warmup, Path logs,
                                Report report) throws IOException {
        try (TunnelPair tunnel = TunnelPair.start(pair[0], pair[1], logs)) {
            Process server = Iperf.server(logs.resolve("iperf3-server.log"));
            try {
                if (warmup > 0) {
                    try {
                        Iperf.run(new Iperf.Load("warm-up", 1, null), warmup);
                    } catch (HarnessException e) {
                        System.err.println("  warm-up failed: " + e.getMessage());
                    }
                }
                for (Iperf.Load load : loads) {
                    double cpu0 = tunnel.cpuSeconds();
                    Iperf.Outcome o;
                    try {
                        o = Iperf.run(load, seconds);
                    } catch (HarnessException e) {
                        // One failed load (a shared machine's hiccup) costs its sample, not the run.
                        System.err.printf("  %-12s FAILED: %s%n", load.name(), e.getMessage());
                        report.failure(name, load.name());
                        continue;
                    }
                    double cpu = tunnel.cpuSeconds() - cpu0;
                    double gb = o.bytes() / 1e9;
                    report.add(name, load.name(), new Report.Sample(o.gbps(), o.retransmits(), o.lossPercent(), gb > 0 ? cpu / gb : Double.NaN));
                    System.err.printf("  %-12s %.3f Gbit/s, %d retransmits, %.2f%% lost, %.1f CPU s/GB%n", load.name(), o.gbps(), o.retransmits(),
                            o.lossPercent(), gb > 0 ? cpu / gb : Double.NaN);
                }
                report.ping(name, Ping.meanMicros(Testbed.TUNNEL_B), Ping.meanMicros(Testbed.UNDERLAY_B));
                if (pair[0] instanceof Implementation.Tsj) report.peakRss(name, ProcStats.peakRssMiB(tunnel.pidA()));
                if (pair[1] instanceof Implementation.Tsj) report.peakRss(name, ProcStats.peakRssMiB(tunnel.pidB()));
            } finally {
                server.destroy();
                try {
                    server.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static Implementation pick(String end, java.util.Map<String, Implementation> named, Implementation wg) {
        if (end.equals("wg")) {
            return wg;
        }
        Implementation i = named.get(end);
        if (i == null) {
            throw new HarnessException("unknown end '" + end + "': use tsj, wg or a --variant name");
        }
        return i;
    }

    private static int positive(String option, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n > 0) return n;
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new HarnessException(option + " must be a positive number");
    }
}
