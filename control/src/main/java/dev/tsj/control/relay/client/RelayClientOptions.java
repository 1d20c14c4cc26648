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
 * @param sendQueueFrames  packets queued for the relay before {@code send} waits or drops
 * @param sendWait         how long {@code send} waits for room in a full queue before it
 *                         drops (zero: drop at once)
 * @param expectedRelayKey the relay's key from the netmap, or null to accept whatever key
 *                         the relay proves (it still has to prove one)
 */
public record RelayClientOptions(Duration connectTimeout, Duration handshakeTimeout, Duration minBackoff,
                                 Duration maxBackoff, Duration pingTimeout, int sendQueueFrames,
                                 Duration sendWait, PublicKey expectedRelayKey) {
    /**
     * Measured with a relayed iperf3 through NATs (NatTraversalIT): with 256 frames and no
     * wait the node dropped 800-8,700 packets in 5 s and TCP retransmitted 900-11,800; with
     * 1024 frames, a 5 ms wait and the relay's 1024-frame queues, none, at the same throughput.
     */
    public static final int DEFAULT_SEND_QUEUE = 1024;
    public static final Duration DEFAULT_SEND_WAIT = Duration.ofMillis(5);

    public static RelayClientOptions defaults() {
        return new RelayClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofMillis(100),
                Duration.ofSeconds(5), Duration.ofSeconds(5), DEFAULT_SEND_QUEUE, DEFAULT_SEND_WAIT, null);
    }

    public RelayClientOptions withExpectedRelayKey(PublicKey key) {
        return new RelayClientOptions(connectTimeout, handshakeTimeout, minBackoff, maxBackoff, pingTimeout,
                sendQueueFrames, sendWait, key);
    }

    public RelayClientOptions withBackoff(Duration min, Duration max) {
        return new RelayClientOptions(connectTimeout, handshakeTimeout, min, max, pingTimeout, sendQueueFrames,
                sendWait, expectedRelayKey);
    }

    public RelayClientOptions withSendWait(Duration wait) {
        return new RelayClientOptions(connectTimeout, handshakeTimeout, minBackoff, maxBackoff, pingTimeout,
                sendQueueFrames, wait, expectedRelayKey);
    }

    public RelayClientOptions withSendQueueFrames(int n) {
        return new RelayClientOptions(connectTimeout, handshakeTimeout, minBackoff, maxBackoff, pingTimeout, n,
                sendWait, expectedRelayKey);
    }
}
