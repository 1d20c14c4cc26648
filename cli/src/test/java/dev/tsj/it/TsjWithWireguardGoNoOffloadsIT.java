package dev.tsj.it;

/** tsj with TUN offloads off (--no-offloads) against Debian's wireguard-go. */
class TsjWithWireguardGoNoOffloadsIT extends PairInteropSuite {
    TsjWithWireguardGoNoOffloadsIT() {
        super("wn", Implementation.WIREGUARD_GO, false);
    }
}
