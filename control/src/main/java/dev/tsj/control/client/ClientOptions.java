package dev.tsj.control.client;

import java.time.Duration;

/**
 * Timeouts and reconnect pacing of a {@link ControlClient}.
 *
 * @param connectTimeout TCP connect and handshake limit
 * @param requestTimeout how long to wait for a register/logout answer
 * @param minBackoff     first wait before a map session reconnects
 * @param maxBackoff     longest wait between reconnects (the wait doubles up to this)
 */
public record ClientOptions(Duration connectTimeout, Duration requestTimeout, Duration minBackoff,
                            Duration maxBackoff) {
    public static ClientOptions defaults() {
        return new ClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMillis(250),
                Duration.ofSeconds(30));
    }
}
