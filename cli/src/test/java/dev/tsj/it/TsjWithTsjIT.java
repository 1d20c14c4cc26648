package dev.tsj.it;

/** tsj against tsj, both with TUN offloads (TSO/USO, GRO) on. */
class TsjWithTsjIT extends PairInteropSuite {
    TsjWithTsjIT() {
        super("tt", Implementation.TSJ, true);
    }
}
