package dev.tsj.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** podman through deploy/podman/podman, tsj's own configuration (runc, cgroupfs, no network). */
final class Podman {
    private Podman() {}

    static List<String> cmd(String... args) {
        List<String> c = new ArrayList<>(List.of(TsjJar.repo().resolve("deploy/podman/podman").toString()));
        c.addAll(List.of(args));
        return c;
    }

    static Sh.Result run(String... args) {
        return Sh.run(300, cmd(args));
    }

    static String must(String... args) {
        Sh.Result r = run(args);
        if (!r.ok()) {
            throw new AssertionError("podman " + String.join(" ", args) + " exited " + r.code() + ": " + r.out().strip());
        }
        return r.out();
    }

    /** Plays a pod manifest without a network; the test gives the pod its links. */
    static void play(Path yaml) {
        must("kube", "play", "--network", "none", yaml.toString());
    }

    static void down(Path yaml) {
        run("kube", "down", yaml.toString());
    }

    /** The PID whose network namespace the pod's containers share (its infra container's). */
    static int infraPid(String pod) {
        String infra = must("pod", "inspect", "-f", "{{.InfraContainerID}}", pod).strip();
        return Integer.parseInt(must("inspect", "-f", "{{.State.Pid}}", infra).strip());
    }

    static String logs(String container) {
        return run("logs", container).out();
    }
}
