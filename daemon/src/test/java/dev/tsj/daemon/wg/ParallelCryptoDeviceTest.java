package dev.tsj.daemon.wg;

/**
 * Every {@link DeviceTest} again with two crypto workers per device: batches sealed and
 * opened in parallel must still reach the other side whole and, per flow, in order.
 */
class ParallelCryptoDeviceTest extends DeviceTest {
    @Override
    int cryptoWorkers() {
        return 2;
    }
}
