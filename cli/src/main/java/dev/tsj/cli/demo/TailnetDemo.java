package dev.tsj.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * README's first command, as root: a coordination server and three tsjd nodes, each in a
 * network namespace of its own on one bridge (198.18.99.0/24, the benchmarking range),
 * join with one auth key; shows {@code tsj status} and pings across the tailnet, then
 * removes everything it made.
 */
public final class TailnetDemo {
    private static final String PREFIX = "tsjdemo";
    private static final String SERVER_IP = "198.18.99.10";
    private static final int NODES = 3;

    private final PrintStream out;
    private final Path work;
    private final List<Process> processes = new ArrayList<>();

    private TailnetDemo(PrintStream out, Path work) {
        this.out = out;
        this.work = work;
    }

    /** Whether this host can run the namespace demo (root, iproute2). */
    public static boolean available() {
        return Subprocess.isRoot() && Subprocess.onPath("ip") && Files.exists(Path.of("/dev/net/tun"));
    }

    public static int run(PrintStream out) throws Exception {
        Path work = DemoWorkDir.create();
        TailnetDemo d = new TailnetDemo(out, work);
        try {
            return d.go();
        } finally {
            d.cleanup();
        }
    }

    private static String ns(String name) {
        return PREFIX + "-" + name;
    }

    private int go() throws Exception {
        cleanupNamespaces();
        out.println("== building a tailnet: 1 coordination server + " + NODES + " nodes, each in its own network namespace");
        Subprocess.must(List.of("ip", "netns", "add", ns("lan")));
        Subprocess.must(List.of("ip", "-n", ns("lan"), "link", "add", "br0", "type", "bridge"));
        Subprocess.must(List.of("ip", "-n", ns("lan"), "link", "set", "br0", "up"));
        List<String> hosts = new ArrayList<>(List.of("ctl"));
        for (int i = 1; i <= NODES; i++) {
            hosts.add("n" + i);
        }
        for (int i = 0; i < hosts.size(); i++) {
            String h = hosts.get(i);
            String addr = i == 0 ? SERVER_IP : "198.18.99." + (20 + i);
            Subprocess.must(List.of("ip", "netns", "add", ns(h)));
            Subprocess.must(List.of("ip", "link", "add", PREFIX + h + "a", "type", "veth", "peer", "name", PREFIX + h + "b"));
            Subprocess.must(List.of("ip", "link", "set", PREFIX + h + "a", "netns", ns("lan")));
            Subprocess.must(List.of("ip", "link", "set", PREFIX + h + "b", "netns", ns(h)));
            Subprocess.must(List.of("ip", "-n", ns("lan"), "link", "set", PREFIX + h + "a", "master", "br0", "up"));
            Subprocess.must(List.of("ip", "-n", ns(h), "addr", "add", addr + "/24", "dev", PREFIX + h + "b"));
            Subprocess.must(List.of("ip", "-n", ns(h), "link", "set", PREFIX + h + "b", "up"));
            Subprocess.must(List.of("ip", "-n", ns(h), "link", "set", "lo", "up"));
        }
        Path ctl = work.resolve("control");
        processes.add(Subprocess.start(Subprocess.tsjIn(ns("ctl"), "control", "serve", "--listen", SERVER_IP + ":8080",
                "--state-dir", ctl.toString()), work.resolve("control.log")));
        waitFor(() -> Files.exists(ctl.resolve("admin.sock")), "the control server", work.resolve("control.log"));
        out.println("control server up at http://" + SERVER_IP + ":8080");
        Subprocess.must(Subprocess.tsjIn(ns("ctl"), "control", "users", "create", "demo", "--state-dir", ctl.toString()));
        String keyJson = Subprocess.must(Subprocess.tsjIn(ns("ctl"), "control", "authkeys", "create", "--user", "demo",
                "--reusable", "--json", "--state-dir", ctl.toString())).out();
        String key = new ObjectMapper().readTree(keyJson.substring(keyJson.indexOf('{'))).path("key").asText();
        out.println("reusable auth key created for user demo");
        for (int i = 1; i <= NODES; i++) {
            String sock = work.resolve("n" + i + ".sock").toString();
            processes.add(Subprocess.start(Subprocess.tsjIn(ns("n" + i), "daemon", "--tun", PREFIX + i, "--state",
                    work.resolve("n" + i + ".state").toString(), "--socket", sock), work.resolve("n" + i + ".log")));
        }
        for (int i = 1; i <= NODES; i++) {
            Path sock = work.resolve("n" + i + ".sock");
            waitFor(() -> Files.exists(sock), "tsjd on node " + i, work.resolve("n" + i + ".log"));
            Subprocess.Result up = Subprocess.run(Subprocess.tsjIn(ns("n" + i), "up", "--socket", sock.toString(),
                    "--login-server", "http://" + SERVER_IP + ":8080", "--auth-key", key, "--hostname", "demo-" + i), 60);
            out.println("node " + i + ": tsj up -> " + up.out().strip());
            if (up.code() != 0) {
                return 1;
            }
        }
        String sock1 = work.resolve("n1.sock").toString();
        waitFor(() -> peersOf(sock1) == NODES - 1, "node 1 to see every peer", work.resolve("n1.log"));
        out.println();
        int failures = 0;
        for (int i = 2; i <= NODES; i++) {
            out.println("== tsj ping demo-" + i + " (from demo-1, through the WireGuard tunnel)");
            Subprocess.Result p = Subprocess.run(Subprocess.tsjIn(ns("n1"), "ping", "--socket", sock1, "demo-" + i), 60);
            out.print(p.out());
            failures += p.code() == 0 ? 0 : 1;
        }
        out.println();
        out.println("== tsj status (on demo-1)");
        out.print(Subprocess.run(Subprocess.tsjIn(ns("n1"), "status", "--socket", sock1), 30).out());
        out.println();
        out.println(failures == 0 ? "every node reached every other: the tailnet works. Cleaning up."
                : failures + " ping(s) failed; logs were in " + work);
        return failures == 0 ? 0 : 1;
    }

    private static int peersOf(String sock) {
        try {
            return new dev.tsj.cli.client.LocalApiClient(Path.of(sock)).get("/localapi/v0/status").path("Peer").size();
        } catch (Exception e) {
            return -1;
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private void waitFor(Check c, String what, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (c.ok()) {
                return;
            }
            Thread.sleep(100);
        }
        String tail = Files.exists(log) ? Files.readString(log) : "";
        throw new IOException("timed out waiting for " + what + "; its log:\n" + tail);
    }

    private void cleanup() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        cleanupNamespaces();
        DemoWorkDir.delete(work);
    }

    private static void cleanupNamespaces() {
        List<String> names = new ArrayList<>(List.of("lan", "ctl"));
        for (int i = 1; i <= NODES; i++) {
            names.add("n" + i);
        }
        for (String n : names) {
            try {
                Subprocess.run(List.of("ip", "netns", "del", ns(n)), 10);
            } catch (IOException | InterruptedException ignored) {
                // not there
            }
        }
    }
}
