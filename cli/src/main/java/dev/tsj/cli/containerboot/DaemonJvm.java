package dev.tsj.cli.containerboot;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The daemon's JVM flags, sized from the container's memory limit: the JVM sees the
 * cgroup limit (its container support), but a percentage of it would be far too much on
 * a host without a limit, so the heap is a share of the limit clamped to 32-160 MiB, with
 * room left for containerboot's own small JVM, metaspace, code and thread stacks. Serial
 * GC (one collector thread), compact object headers, and exit on OOM so that the kubelet
 * restarts a clean container rather than a wounded one.
 */
final class DaemonJvm {
    static final long MIB = 1024 * 1024;
    /** What a limit must exceed for us to size down from the defaults. */
    static final long SIZED_BELOW = 1024 * MIB;
    /** Kept outside the daemon's heap: containerboot, metaspace, code cache, stacks. */
    static final long OVERHEAD = 112 * MIB;

    private DaemonJvm() {}

    /** Heap and direct-memory sizes in MiB for a container of {@code memory} bytes. */
    record Sizes(long heapMib, long directMib) {}

    static Sizes sizes(long memory) {
        if (memory <= 0 || memory >= SIZED_BELOW) {
            return new Sizes(160, 64);
        }
        long heap = clamp((memory - OVERHEAD) * 45 / 100 / MIB, 32, 160);
        long direct = clamp(memory / 8 / MIB, 16, 64);
        return new Sizes(heap, direct);
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** The memory this container may use (the cgroup limit, or the machine's memory without one). */
    static long containerMemory() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getTotalMemorySize();
        }
        return -1;
    }

    static List<String> flags(Sizes s) {
        return new ArrayList<>(List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx" + s.heapMib() + "m",
                "-XX:MaxDirectMemorySize=" + s.directMib() + "m", "-XX:+UseCompactObjectHeaders", "-Xss512k",
                "-XX:ReservedCodeCacheSize=48m", "-XX:+ExitOnOutOfMemoryError",
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
    }
}
