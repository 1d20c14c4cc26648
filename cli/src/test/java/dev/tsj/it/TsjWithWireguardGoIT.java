package dev.tsj.it;

/** tsj against Debian's wireguard-go, tsj with TUN offloads (TSO/USO, GRO) on. */
class TsjWithWireguardGoIT extends PairInteropSuite {
    TsjWithWireguardGoIT() {
        super("wg", Implementation.WIREGUARD_GO, true);
    }
}
