package dev.tsj.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One test class's world, after TESTNET.md: a LAN bridge (namespace k8-lan,
 * 198.18.70.0/24) joining a coordination server (k8-ctl, .10) and a tailnet client node
 * (k8-cli, .20, tsj in TUN mode, accepting routes); pods get a link onto the same LAN
 * (.30 and up) in their infra container's namespace, named eth0 as a pod's would be.
 */
final class Tailnet implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String LAN = "k8-lan";
    static final String CTL = "k8-ctl";
    static final String CLI = "k8-cli";
    static final String CTL_IP = "198.18.70.10";
    static final String CLI_IP = "198.18.70.20";
    static final String SERVER = "http://" + CTL_IP + ":8080";

    final Path work;
    private final List<Process> processes = new ArrayList<>();
    String authKey;

    private Tailnet(Path work) {
        this.work = work;
    }

    static Tailnet start(Path work) throws Exception {
        Tailnet t = new Tailnet(work);
        try {
            t.build();
            return t;
        } catch (Exception | AssertionError e) {
            t.close();
            throw e;
        }
    }

    static void removeLeftovers() {
        for (String ns : List.of(LAN, CTL, CLI, "k8-svc")) {
            Sh.run("ip", "netns", "del", ns);
        }
    }

    private void build() throws Exception {
        removeLeftovers();
        Sh.must("ip", "netns", "add", LAN);
        Sh.must("ip", "-n", LAN, "link", "add", "k8br0", "type", "bridge");
        Sh.must("ip", "-n", LAN, "link", "set", "k8br0", "up");
        host(CTL, "k8ctl", CTL_IP);
        host(CLI, "k8cli", CLI_IP);
        Path ctl = work.resolve("control");
        processes.add(Sh.start(work.resolve("control.log"), Sh.inNetns(CTL, TsjJar.command("control", "serve",
                "--listen", CTL_IP + ":8080", "--state-dir", ctl.toString()))));
        waitFor("the control server", Duration.ofSeconds(60), () -> Files.exists(ctl.resolve("admin.sock")), "control.log");
        admin("users", "create", "k8s");
        authKey = newAuthKey("--reusable");
        Path sock = work.resolve("cli.sock");
        processes.add(Sh.start(work.resolve("cli.log"), Sh.inNetns(CLI, TsjJar.command("daemon", "--tun", "k8cli0",
                "--state", work.resolve("cli.state").toString(), "--socket", sock.toString(),
                "--uapi-dir", work.resolve("uapi").toString()))));
        waitFor("the client node's daemon", Duration.ofSeconds(60), () -> Files.exists(sock), "cli.log");
        Sh.Result up = Sh.run(120, Sh.inNetns(CLI, TsjJar.command("up", "--socket", sock.toString(), "--login-server", SERVER,
                "--auth-key", authKey, "--hostname", "client", "--accept-routes")));
        if (!up.ok()) {
            throw new AssertionError("tsj up on the client: " + up.out() + "\n" + log("cli.log"));
        }
    }

    /** A namespace with one link onto the LAN bridge. */
    private void host(String ns, String link, String ip) {
        Sh.must("ip", "netns", "add", ns);
        Sh.must("ip", "link", "add", link + "a", "type", "veth", "peer", "name", link + "b");
        Sh.must("ip", "link", "set", link + "a", "netns", LAN);
        Sh.must("ip", "link", "set", link + "b", "netns", ns);
        Sh.must("ip", "-n", LAN, "link", "set", link + "a", "master", "k8br0", "up");
        Sh.must("ip", "-n", ns, "addr", "add", ip + "/24", "dev", link + "b");
        Sh.must("ip", "-n", ns, "link", "set", link + "b", "up");
        Sh.must("ip", "-n", ns, "link", "set", "lo", "up");
    }

    /** Gives a running pod its eth0 on the LAN at {@code ip}. */
    void attachPod(String pod, String link, String ip) {
        int pid = Podman.infraPid(pod);
        Sh.run("ip", "-n", LAN, "link", "del", link + "a");
        Sh.must("ip", "link", "add", link + "a", "type", "veth", "peer", "name", link + "b");
        Sh.must("ip", "link", "set", link + "a", "netns", LAN);
        Sh.must("ip", "-n", LAN, "link", "set", link + "a", "master", "k8br0", "up");
        Sh.must("ip", "link", "set", link + "b", "netns", Integer.toString(pid));
        String[] n = {"nsenter", "-t", Integer.toString(pid), "-n"};
        Sh.must(cat(n, "ip", "link", "set", link + "b", "name", "eth0"));
        Sh.must(cat(n, "ip", "addr", "add", ip + "/24", "dev", "eth0"));
        Sh.must(cat(n, "ip", "link", "set", "eth0", "up"));
        Sh.must(cat(n, "ip", "link", "set", "lo", "up"));
    }

    /**
     * A subnet behind a pod: namespace {@code ns} at {@code nsIp}/24, joined to the pod's
     * {@code podIf} at {@code podIp}/24 by a veth pair (for services a proxy or router reaches).
     */
    void linkPodToSubnet(String pod, String link, String podIf, String podIp, String ns, String nsIp) {
        int pid = Podman.infraPid(pod);
        if (!Sh.run("ip", "netns", "pids", ns).ok()) {
            Sh.must("ip", "netns", "add", ns);
            Sh.must("ip", "-n", ns, "link", "set", "lo", "up");
        }
        Sh.run("ip", "-n", ns, "link", "del", link + "a");
        Sh.must("ip", "link", "add", link + "a", "type", "veth", "peer", "name", link + "b");
        Sh.must("ip", "link", "set", link + "a", "netns", ns);
        Sh.run("ip", "-n", ns, "addr", "add", nsIp + "/24", "dev", link + "a");
        Sh.must("ip", "-n", ns, "link", "set", link + "a", "up");
        Sh.must("ip", "link", "set", link + "b", "netns", Integer.toString(pid));
        String[] n = {"nsenter", "-t", Integer.toString(pid), "-n"};
        Sh.must(cat(n, "ip", "link", "set", link + "b", "name", podIf));
        Sh.must(cat(n, "ip", "addr", "add", podIp + "/24", "dev", podIf));
        Sh.must(cat(n, "ip", "link", "set", podIf, "up"));
    }

    static String[] cat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    String admin(String... args) {
        List<String> a = new ArrayList<>(List.of("control"));
        a.addAll(List.of(args));
        a.addAll(List.of("--state-dir", work.resolve("control").toString()));
        Sh.Result r = Sh.run(60, Sh.inNetns(CTL, TsjJar.command(a.toArray(String[]::new))));
        if (!r.ok()) {
            throw new AssertionError("tsj " + String.join(" ", a) + ": " + r.out());
        }
        return r.out();
    }

    String newAuthKey(String... flags) throws IOException {
        List<String> a = new ArrayList<>(List.of("authkeys", "create", "--user", "k8s", "--json"));
        a.addAll(List.of(flags));
        String out = admin(a.toArray(String[]::new));
        return JSON.readTree(out.substring(out.indexOf('{'))).path("key").asText();
    }

    /** The control server's view of a node by name: its IPv4 tailnet address. */
    String ipv4Of(String name) throws IOException {
        for (JsonNode n : JSON.readTree(nodesJson())) {
            if (name.equals(n.path("name").asText())) {
                return n.path("ipv4").asText();
            }
        }
        throw new AssertionError("no node " + name + " in " + nodesJson());
    }

    String nodesJson() {
        String out = admin("nodes", "list", "--json");
        return out.substring(out.indexOf('['));
    }

    /** A process that lives as long as this topology, its output in {@code logName}. */
    void startProcess(String logName, List<String> cmd) throws IOException {
        processes.add(Sh.start(work.resolve(logName), cmd));
    }

    /** Serves {@code dir} over HTTP on port {@code port} in namespace {@code ns}. */
    void serve(String ns, Path dir, int port, String bind) throws Exception {
        processes.add(Sh.start(work.resolve("http-" + ns + "-" + port + ".log"), Sh.inNetns(ns, List.of(TsjJar.java(),
                "-Xmx32m", "-m", "jdk.httpserver", "-b", bind, "-p", Integer.toString(port), "-d", dir.toString()))));
        waitFor("an HTTP server in " + ns, Duration.ofSeconds(30),
                () -> Sh.run(10, Sh.inNetns(ns, List.of("curl", "-sf", "-o", "/dev/null", "http://" + (bind.equals("0.0.0.0")
                        ? "127.0.0.1" : bind) + ":" + port + "/"))).ok(), "http-" + ns + "-" + port + ".log");
    }

    /** curl from the tailnet client node, retried until it answers (peers take a moment to appear). */
    String fetchFromClient(String url, Duration within) throws Exception {
        String[] last = {""};
        waitFor("the client to fetch " + url, within, () -> {
            Sh.Result r = Sh.run(20, Sh.inNetns(CLI, List.of("curl", "-sS", "-m", "5", url)));
            last[0] = r.out();
            return r.ok();
        }, "cli.log");
        return last[0];
    }

    String log(String name) {
        try {
            return Files.readString(work.resolve(name));
        } catch (IOException e) {
            return "(no " + name + ")";
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    void waitFor(String what, Duration within, Check c, String logName) throws Exception {
        waitFor(what, within, c, () -> log(logName));
    }

    static void waitFor(String what, Duration within, Check c, Supplier<String> diagnostics) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (c.ok()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out waiting for " + what + "; diagnostics:\n" + diagnostics.get());
    }

    @Override
    public void close() {
        Sh.stopAll(processes);
        removeLeftovers();
    }
}
