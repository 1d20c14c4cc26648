package dev.tsj.control.relay.client;

import dev.tsj.crypto.PublicKey;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;

/**
 * A relay connection as {@code tsj status} may show it.
 *
 * @param detail         the relay's name when connected, else why not (last error)
 * @param relayName      from the relay's server info (null before the first connection)
 * @param relayKey       the key the relay proved (null before the first connection)
 * @param connectedSince null unless connected
 * @param lastPingRtt    the last measured round trip through {@link RelayClient#ping()}, or null
 * @param health         the relay's last health message ("" = healthy)
 * @param sendDrops      packets not sent: not connected, or the queue to the relay full
 * @param connects       successful connections so far (more than one: it reconnected)
 */
public record RelayClientStatus(RelayClient.State state, String detail, URI url, String relayName, PublicKey relayKey,
                                Instant connectedSince, Duration lastPingRtt, String health, long packetsSent,
                                long bytesSent, long packetsReceived, long bytesReceived, long sendDrops,
                                long connects) {}
