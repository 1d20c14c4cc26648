package dev.tsj.cli.containerboot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The node daemon as containerboot's child: the same java and class path that run
 * containerboot, the daemon's own JVM flags, and {@code tsj daemon} with the settings
 * from the environment. Its output goes straight to the container's log.
 */
final class DaemonProcess {
    private DaemonProcess() {}

    static final String USERSPACE_TUN = "userspace-networking";

    /** The daemon's arguments (after {@code tsj daemon}). */
    static List<String> daemonArgs(BootConfig c) {
        List<String> a = new ArrayList<>(List.of("daemon", "--tun", c.userspace() ? USERSPACE_TUN : BootConfig.TUN_NAME,
                "--state", c.state().daemonArg(), "--socket", c.socket().toString(),
                "--uapi-dir", uapiDir(c.socket()).toString()));
        if (c.socks5Server() != null) {
            a.addAll(List.of("--socks5-server", c.socks5Server()));
        }
        if (c.httpProxyListen() != null) {
            a.addAll(List.of("--outbound-http-proxy-listen", c.httpProxyListen()));
        }
        a.addAll(c.daemonArgs());
        return a;
    }

    /** Beside the LocalAPI socket: a directory containerboot's user can write, one per node. */
    static Path uapiDir(Path socket) {
        Path parent = socket.toAbsolutePath().getParent();
        return parent.resolve("wireguard");
    }

    static List<String> command(BootConfig c, String java, String classPath, List<String> jvmFlags, List<String> extraJvm) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmFlags);
        cmd.addAll(extraJvm);
        cmd.addAll(List.of("-cp", classPath, "dev.tsj.cli.Main"));
        cmd.addAll(daemonArgs(c));
        return cmd;
    }

    static Process start(BootConfig c, List<String> extraJvm) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = command(c, java, System.getProperty("java.class.path"),
                DaemonJvm.flags(DaemonJvm.sizes(DaemonJvm.containerMemory())), extraJvm);
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        Map<String, String> env = pb.environment();
        // The daemon never needs the auth key (it arrives over the LocalAPI): keep it out of its environment.
        env.remove(BootEnv.AUTH_KEY);
        env.remove("TS_AUTHKEY");
        env.remove("TS_AUTH_KEY");
        return pb.start();
    }
}
