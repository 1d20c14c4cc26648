package dev.tsj.control.relay.client;

import dev.tsj.crypto.PublicKey;
import java.time.Duration;

/**
 * How a {@link RelayClient} connects.
 *
 * @param connectTimeout   TCP connect
 * @param handshakeTimeout from connect to server info
 * @param minBackoff       first wait after a failed or lost connection; doubles each time
 * @param maxBackoff       the longest wait between attempts
 * @param pingTimeout      how long {@link RelayClient#ping()} waits for the pong
 * @param sendQueueFrames  packets queued for the relay before {@code send} drops
 * @param expectedRelayKey the relay's key from the netmap, or null to accept whatever key
 *                         the relay proves (it still has to prove one)
 */
public record RelayClientOptions(Duration connectTimeout, Duration handshakeTimeout, Duration minBackoff,
                                 Duration maxBackoff, Duration pingTimeout, int sendQueueFrames,
                                 PublicKey expectedRelayKey) {
    public static RelayClientOptions defaults() {
        return new RelayClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofMillis(100),
                Duration.ofSeconds(5), Duration.ofSeconds(5), 256, null);
    }

    public RelayClientOptions withExpectedRelayKey(PublicKey key) {
        return new RelayClientOptions(connectTimeout, handshakeTimeout, minBackoff, maxBackoff, pingTimeout,
                sendQueueFrames, key);
    }

    public RelayClientOptions withBackoff(Duration min, Duration max) {
        return new RelayClientOptions(connectTimeout, handshakeTimeout, min, max, pingTimeout, sendQueueFrames,
                expectedRelayKey);
    }

    public RelayClientOptions withSendQueueFrames(int n) {
        return new RelayClientOptions(connectTimeout, handshakeTimeout, minBackoff, maxBackoff, pingTimeout, n,
                expectedRelayKey);
    }
}
