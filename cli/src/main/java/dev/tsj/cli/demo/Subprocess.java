package dev.tsj.cli.demo;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs commands (optionally inside a network namespace), and tsj itself as a child JVM. */
final class Subprocess {
    private Subprocess() {}

    record Result(int code, String out) {}

    static Result run(List<String> cmd, long timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, new String(out, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static Result must(List<String> cmd) throws IOException, InterruptedException {
        Result r = run(cmd, 60);
        if (r.code() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + r.out().strip());
        }
        return r;
    }

    /** The command line that starts this same tsj: java, its flags, and the jar. */
    static List<String> tsj() {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-XX:+UseSerialGC", "-Xmx160m", "-XX:TieredStopAtLevel=1"));
        String cp = System.getProperty("java.class.path");
        cmd.addAll(List.of("-cp", cp, "dev.tsj.cli.Main"));
        return cmd;
    }

    static List<String> inNetns(String ns, List<String> cmd) {
        List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        out.addAll(cmd);
        return out;
    }

    static List<String> tsjIn(String ns, String... args) {
        List<String> c = new ArrayList<>(tsj());
        c.addAll(List.of(args));
        return inNetns(ns, c);
    }

    static Process start(List<String> cmd, Path log) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static boolean isRoot() {
        try {
            Result r = run(List.of("id", "-u"), 5);
            return r.code() == 0 && r.out().strip().equals("0");
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static boolean onPath(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(File.pathSeparator)) {
            if (new File(dir, exe).canExecute()) {
                return true;
            }
        }
        return new File("/usr/sbin/" + exe).canExecute() || new File("/sbin/" + exe).canExecute();
    }
}
