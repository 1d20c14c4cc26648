package dev.tsj.bench.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Collects the samples of every round and prints medians as a table. */
final class Report {
    /** One load run on one pair in one round. */
    record Sample(double gbps, long retransmits, double lossPercent, double cpuSecondsPerGB) {}

    private final Map<String, Map<String, List<Sample>>> samples = new LinkedHashMap<>();
    private final Map<String, List<Double>> pingTunnel = new LinkedHashMap<>();
    private final List<Double> pingVeth = new ArrayList<>();
    private final Map<String, Double> peakRss = new LinkedHashMap<>();

    void add(String pair, String load, Sample s) {
        samples.computeIfAbsent(pair, k -> new LinkedHashMap<>()).computeIfAbsent(load, k -> new ArrayList<>()).add(s);
    }

    private final List<String> failures = new ArrayList<>();

    void failure(String pair, String load) {
        failures.add(pair + " " + load);
    }

    void ping(String pair, double tunnelMicros, double vethMicros) {
        pingTunnel.computeIfAbsent(pair, k -> new ArrayList<>()).add(tunnelMicros);
        pingVeth.add(vethMicros);
    }

    void peakRss(String pair, double mib) {
        peakRss.merge(pair, mib, Math::max);
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (a.length == 0) {
            return Double.NaN;
        }
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private double median(String pair, String load, ToDoubleFunction<Sample> f) {
        List<Sample> xs = samples.getOrDefault(pair, Map.of()).getOrDefault(load, List.of());
        return median(xs.stream().map(s -> f.applyAsDouble(s)).toList());
    }

    private String range(String pair, String load) {
        double[] g = samples.getOrDefault(pair, Map.of()).getOrDefault(load, List.of()).stream().mapToDouble(Sample::gbps).sorted().toArray();
        return g.length == 0 ? "" : String.format("%.2f-%.2f", g[0], g[g.length - 1]);
    }

    /** The table; {@code tsjPair} and {@code referencePair} give the ratio column. */
    String render(List<String> loads, String tsjPair, String referencePair) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-22s %-14s %8s %11s %8s %7s %9s%n", "pair (A->B)", "load", "Gbit/s", "range", "retrans", "loss%", "CPU s/GB"));
        for (String pair : samples.keySet()) {
            for (String load : loads) {
                if (!samples.get(pair).containsKey(load)) {
                    continue;
                }
                out.append(String.format("%-22s %-14s %8.3f %11s %8.0f %7.2f %9.2f%n", pair, load,
                        median(pair, load, Sample::gbps), range(pair, load), median(pair, load, s -> s.retransmits),
                        median(pair, load, Sample::lossPercent), median(pair, load, Sample::cpuSecondsPerGB)));
            }
        }
        if (samples.containsKey(tsjPair) && samples.containsKey(referencePair)) {
            out.append(String.format("%nratio %s / %s (median throughput):%n", tsjPair, referencePair));
            for (String load : loads) {
                double r = median(tsjPair, load, Sample::gbps) / median(referencePair, load, Sample::gbps);
                out.append(String.format("  %-14s %6.2fx%n", load, r));
            }
        }
        out.append(String.format("%nping RTT (mean of %d, median over rounds): bare veth %.0f us%n", Ping.COUNT, median(pingVeth)));
        pingTunnel.forEach((pair, xs) -> out.append(String.format("  %-22s %.0f us%n", pair, median(xs))));
        if (!failures.isEmpty()) {
            out.append("\nfailed runs (left out of the medians): ").append(String.join(", ", failures)).append('\n');
        }
        if (!peakRss.isEmpty()) {
            out.append("\ntsjd peak RSS (VmHWM, max over rounds and ends):\n");
            peakRss.forEach((pair, mib) -> out.append(String.format("  %-22s %.0f MiB%n", pair, mib)));
        }
        return out.toString();
    }
}
