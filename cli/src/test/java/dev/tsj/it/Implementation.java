package dev.tsj.it;

/** The WireGuard implementations the interop suite runs against each other. */
enum Implementation {
    TSJ("tsj"),
    WIREGUARD_GO("wireguard-go");

    final String label;

    Implementation(String label) {
        this.label = label;
    }
}
