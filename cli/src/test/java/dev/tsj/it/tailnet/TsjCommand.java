package dev.tsj.it.tailnet;

import dev.tsj.it.TsjJar;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code tsj} command line that runs the built jar with the JVM flags the launcher
 * ({@code ./tsj}) gives that kind of command. The launcher itself is not used: it rebuilds
 * when a source is newer than the jar, and a test must never start a build.
 */
final class TsjCommand {
    private static final List<String> COMMON = List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");
    /** The coordination server: the launcher gives it G1 and a large heap; a test tailnet needs far less. */
    private static final List<String> SERVER = List.of("-XX:+UseSerialGC", "-Xmx256m");
    private static final List<String> DAEMON = List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx160m", "-XX:MaxDirectMemorySize=64m",
            "-XX:+UseCompactObjectHeaders", "-Xss512k");
    /** Short-lived client commands start fastest with C1 only. */
    private static final List<String> CLIENT = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Xmx128m");

    private TsjCommand() {}

    static List<String> of(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(flagsFor(args));
        cmd.addAll(COMMON);
        cmd.add("-jar");
        cmd.add(TsjJar.path().toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static List<String> flagsFor(String... args) {
        String first = args.length > 0 ? args[0] : "";
        String second = args.length > 1 ? args[1] : "";
        if (first.equals("control") && second.equals("serve")) {
            return SERVER;
        }
        return first.equals("daemon") ? DAEMON : CLIENT;
    }
}
