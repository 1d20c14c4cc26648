package dev.tsj.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A bounded iperf3 TCP transfer between two namespaces: a one-shot server ({@code -s -1})
 * bound to a tunnel address, a client that sends a fixed amount ({@code -n}) or, with
 * {@code reverse}, receives it ({@code -R}). Results come from iperf3's JSON.
 */
public final class Iperf {
    public static final int DEFAULT_PORT = 5201;

    private final Netns serverNs;
    private final String serverAddress;
    private final Netns clientNs;
    private final int port;
    private final Path logDir;
    private final Supplier<String> diagnostics;

    public Iperf(Netns serverNs, String serverAddress, Netns clientNs, int port, Path logDir, Supplier<String> diagnostics) {
        this.serverNs = serverNs;
        this.serverAddress = serverAddress;
        this.clientNs = clientNs;
        this.port = port;
        this.logDir = logDir;
        this.diagnostics = diagnostics;
    }

    /** A transfer under way: {@link #await} waits for it and checks it completed. */
    public final class Run {
        public final String label;
        public final BgProcess server;
        public final BgProcess client;
        public final Path json;

        private Run(String label, BgProcess server, BgProcess client, Path json) {
            this.label = label;
            this.server = server;
            this.client = client;
            this.json = json;
        }

        /** Waits for the client; fails, with both logs and the daemons' tails, unless it sent at least {@code minBytes}. */
        public IperfResult await(Duration timeout, long minBytes) {
            int exit;
            try {
                exit = client.awaitExit(timeout);
            } catch (AssertionError e) {
                client.close();
                server.close();
                throw new AssertionError(label + ": " + e.getMessage() + "\n" + server.tail() + diagnostics.get(), e);
            }
            server.close(); // one-shot: normally gone already
            String text;
            try {
                text = Files.readString(json, StandardCharsets.UTF_8);
            } catch (IOException e) {
                text = "";
            }
            IperfResult r;
            try {
                r = IperfResult.parse(label, text);
            } catch (IOException e) {
                throw new AssertionError(label + ": iperf3 exited " + exit + ": " + e.getMessage() + "\n"
                        + client.tail() + server.tail() + diagnostics.get(), e);
            }
            if (exit != 0 || r.bytesSent() < minBytes) {
                throw new AssertionError(label + ": iperf3 exited " + exit + " having sent " + r.bytesSent()
                        + " of " + minBytes + " bytes\n" + client.tail() + server.tail() + diagnostics.get());
            }
            System.out.println("[iperf3] " + r);
            return r;
        }
    }

    /** Starts a transfer of {@code amount} (iperf3 units, e.g. "200M") and returns at once. */
    public Run start(String label, String amount, boolean reverse) {
        return start(label, reverse, "-n", amount);
    }

    /** Starts a transfer bounded by {@code limit} ({@code -n BYTES} or {@code -t SECONDS}) and returns at once. */
    public Run start(String label, boolean reverse, String... limit) {
        String file = label.replaceAll("[^A-Za-z0-9._-]", "_");
        Path serverLog = logDir.resolve(file + ".iperf-server.log");
        BgProcess server = serverNs.spawn(label + " server", serverLog, Map.of(),
                "iperf3", "-s", "-1", "--forceflush", "-B", serverAddress, "-p", Integer.toString(port));
        Poll.until(Duration.ofSeconds(10), "iperf3 server on " + serverAddress + " to listen", server::tail,
                () -> server.output().contains("Server listening"));
        Path json = logDir.resolve(file + ".iperf.json");
        List<String> cmd = new ArrayList<>(List.of("iperf3", "-c", serverAddress, "-p", Integer.toString(port),
                "-J", "--logfile", json.toString(), "--connect-timeout", "10000"));
        cmd.addAll(List.of(limit));
        if (reverse) {
            cmd.add("-R");
        }
        try {
            Files.deleteIfExists(json);
        } catch (IOException ignored) {
            // iperf3 overwrites it anyway
        }
        BgProcess client = clientNs.spawn(label + " client", logDir.resolve(file + ".iperf-client.log"), Map.of(), cmd.toArray(String[]::new));
        return new Run(label, server, client, json);
    }

    /** A complete transfer of {@code mebibytes} MiB, checked to have been sent in full. */
    public IperfResult transfer(String label, int mebibytes, boolean reverse, Duration timeout) {
        return start(label, mebibytes + "M", reverse).await(timeout, (long) mebibytes << 20);
    }
}
