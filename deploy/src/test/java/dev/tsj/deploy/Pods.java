package dev.tsj.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A played pod: its network link, readiness through containerboot's /healthz, its tailnet address. */
final class Pods {
    private Pods() {}

    /** Plays {@code yaml}, gives the pod eth0 at {@code ip} and waits for its tsj container's health endpoint. */
    static void playAndWait(Tailnet net, String pod, Path yaml, String link, String ip) throws Exception {
        Podman.play(yaml);
        net.attachPod(pod, link, ip);
        Tailnet.waitFor("pod " + pod + " to be up in the tailnet", Duration.ofSeconds(120), () -> healthy(pod),
                () -> Podman.logs(pod + "-tsj"));
    }

    static boolean healthy(String pod) {
        int pid = Podman.infraPid(pod);
        return Sh.run(15, List.of("nsenter", "-t", Integer.toString(pid), "-n", "curl", "-sf", "-m", "5",
                "http://127.0.0.1:9002/healthz")).ok();
    }

    /** The tsj container's IPv4 tailnet address, as `tsj ip -4` in it prints it. */
    static String tailnetIp(String pod) {
        return Podman.must("exec", pod + "-tsj", "tsj", "ip", "-4").strip();
    }

    static Path page(Path dir, String text) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("index.html"), text + "\n");
        return dir;
    }

    /** A state directory the container's user owns. */
    static Path stateDir(Path dir, int uid) throws Exception {
        Files.createDirectories(dir);
        Sh.must("chown", uid + ":" + uid, dir.toString());
        Sh.must("chmod", "0700", dir.toString());
        return dir;
    }

    static Path testClasses() {
        return TsjJar.repo().resolve("deploy/target/test-classes");
    }
}
