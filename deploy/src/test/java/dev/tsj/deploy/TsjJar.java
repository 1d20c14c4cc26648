package dev.tsj.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The tsj built in this tree (cli/target), run as the tests' control server and tailnet client. */
final class TsjJar {
    private TsjJar() {}

    static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("deploy/image/build.sh"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new AssertionError("cannot find the repository root from " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    static Path jar() {
        Path jar = repo().resolve("cli/target/tsj-cli.jar");
        if (!Files.exists(jar)) {
            throw new AssertionError(jar + " is missing: build the reactor (mvn -pl deploy -am verify)");
        }
        return jar;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
