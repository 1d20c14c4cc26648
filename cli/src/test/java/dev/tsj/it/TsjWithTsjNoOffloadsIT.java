package dev.tsj.it;

/** tsj against tsj, both with TUN offloads off (--no-offloads). */
class TsjWithTsjNoOffloadsIT extends PairInteropSuite {
    TsjWithTsjNoOffloadsIT() {
        super("tn", Implementation.TSJ, false);
    }
}
