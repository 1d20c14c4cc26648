package dev.tsj.tun.linux;

import static dev.tsj.tun.linux.TunAbi.*;

import java.util.function.IntPredicate;

/**
 * Which offloads to ask a TUN for, best first: TCP and UDP segmentation (UDP needs Linux 6.2),
 * then TCP only, then none (the virtio-net header stays, harmlessly, and writes can still be
 * coalesced). TSO with ECN is never asked for: the splitter would have to carry CWR/ECE
 * semantics it does not implement.
 */
final class OffloadNegotiation {
    private OffloadNegotiation() {}

    static final int TCP_OFFLOADS = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
    static final int UDP_OFFLOADS = TUN_F_USO4 | TUN_F_USO6;

    /** Tries the ladder with {@code setOffload} (true when the kernel took the flags). */
    static TunOffloads negotiate(IntPredicate setOffload) {
        if (setOffload.test(TCP_OFFLOADS | UDP_OFFLOADS)) return new TunOffloads(true, true, true);
        if (setOffload.test(TCP_OFFLOADS)) return new TunOffloads(true, true, false);
        setOffload.test(0);
        return new TunOffloads(true, false, false);
    }
}
