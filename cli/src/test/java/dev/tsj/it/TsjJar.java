package dev.tsj.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The built {@code tsj} CLI jar and the command line that runs it as the launcher does. */
public final class TsjJar {
    private TsjJar() {}

    static Path socketDir() {
        return Path.of("target", "it-sockets").toAbsolutePath();
    }

    public static Path path() {
        return Path.of(System.getProperty("tsj.cli.jar", "target/tsj-cli.jar")).toAbsolutePath();
    }

    /**
     * {@code tsj daemon --tun NAME --port PORT -f [--no-offloads]}, with the launcher's JVM
     * flags, a LocalAPI socket of its own and in-memory state: several daemons share this
     * host's filesystem, and these pair tests drive them with wg only.
     */
    public static List<String> daemon(String interfaceName, int port, boolean offloads) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-XX:+UseSerialGC", "-Xmx160m",
                "-jar", path().toString(),
                "daemon", "--tun", interfaceName, "--port", Integer.toString(port), "-f",
                "--state", "mem:", "--socket", socketDir().resolve(interfaceName + ".sock").toString()));
        if (!offloads) {
            cmd.add("--no-offloads");
        }
        return cmd;
    }
}
