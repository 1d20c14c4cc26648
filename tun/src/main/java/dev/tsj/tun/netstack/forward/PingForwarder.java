package dev.tsj.tun.netstack.forward;

import dev.tsj.tun.netstack.EchoForwarder;
import dev.tsj.tun.netstack.EchoReply;
import dev.tsj.tun.netstack.IpAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Answers tailnet pings to subnet hosts only if the host really answers a ping from this
 * machine, as Tailscale's userspace subnet router does (it runs the system ping). The
 * probe runs on a virtual thread; at most {@code maxConcurrent} run at once, further
 * requests go unanswered (the pinger retries).
 */
public final class PingForwarder implements EchoForwarder {

    /** Finds out whether a host is alive. */
    @FunctionalInterface
    public interface Prober {
        boolean isAlive(InetAddress target, Duration timeout) throws IOException, InterruptedException;
    }

    private final Prober prober;
    private final Duration timeout;
    private final Semaphore slots;

    public PingForwarder(Prober prober, Duration timeout, int maxConcurrent) {
        this.prober = prober;
        this.timeout = timeout;
        this.slots = new Semaphore(maxConcurrent);
    }

    /** The system's {@code ping} (which works without root through ICMP datagram sockets or its capabilities), else {@link InetAddress#isReachable}. */
    public static Prober systemPing() {
        Path ping = List.of(Path.of("/usr/bin/ping"), Path.of("/bin/ping"), Path.of("/usr/sbin/ping")).stream()
                .filter(Files::isExecutable).findFirst().orElse(null);
        if (ping == null) return (target, timeout) -> target.isReachable((int) timeout.toMillis());
        return (target, timeout) -> {
            long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
            Process p = new ProcessBuilder(ping.toString(), "-c", "1", "-W", Long.toString(seconds), target.getHostAddress())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(seconds + 2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        };
    }

    @Override
    public void onEchoRequest(IpAddress source, IpAddress target, EchoReply reply) {
        if (!slots.tryAcquire()) return;
        Thread.ofVirtual().name("ping-forward").start(() -> {
            try {
                if (prober.isAlive(target.toInetAddress(), timeout)) reply.send();
            } catch (IOException e) {
                // no answer is the answer
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                slots.release();
            }
        });
    }
}
