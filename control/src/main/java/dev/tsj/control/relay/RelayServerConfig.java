package dev.tsj.control.relay;

import dev.tsj.control.relay.proto.RelayProto;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * How a relay runs.
 *
 * @param name               shown to clients and in the netmap (at most 63 bytes)
 * @param keepAlive          how often each side speaks when idle; 2.5 times this plus a
 *                           second of silence ends a connection
 * @param sendQueueFrames    frames queued per client before packets to it are dropped
 * @param revalidateEvery    how often connected nodes are checked against admission again
 */
public record RelayServerConfig(String name, Duration keepAlive, int sendQueueFrames, Duration revalidateEvery) {
    public static final String DEFAULT_NAME = "default";
    public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(3);
    /**
     * Deep enough for a TCP flow's burst at a few hundred Mbit/s: with 256 frames a relayed
     * iperf3 lost 100-3,300 packets in 5 s here (and TCP retransmitted them), with 1024 none.
     * A full queue holds 2 MiB of pooled buffers; the relay never waits for one.
     */
    public static final int DEFAULT_QUEUE = 1024;
    /** Frames bigger than a pooled buffer (jumbo packets) that may wait per client. */
    public static final int MAX_LARGE_QUEUED = 16;
    /** Pooled buffer: a full-size frame of a 1500-byte packet fits with room to spare. */
    public static final int POOL_BUFFER = 2048;
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    public RelayServerConfig {
        if (name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > RelayProto.MAX_NAME) {
            throw new IllegalArgumentException("relay name must be 1 to " + RelayProto.MAX_NAME + " bytes");
        }
        if (keepAlive.toMillis() < 100) {
            throw new IllegalArgumentException("relay keepalive must be at least 100 ms");
        }
        if (sendQueueFrames < 2) {
            throw new IllegalArgumentException("send queue must hold at least 2 frames");
        }
    }

    public static RelayServerConfig defaults(String name) {
        return new RelayServerConfig(name, DEFAULT_KEEPALIVE, DEFAULT_QUEUE, Duration.ofSeconds(60));
    }

    public RelayServerConfig withKeepAlive(Duration d) {
        return new RelayServerConfig(name, d, sendQueueFrames, revalidateEvery);
    }

    public RelayServerConfig withSendQueueFrames(int n) {
        return new RelayServerConfig(name, keepAlive, n, revalidateEvery);
    }

    public RelayServerConfig withRevalidateEvery(Duration d) {
        return new RelayServerConfig(name, keepAlive, sendQueueFrames, d);
    }
}
