package dev.tsj.control.relay;

import static dev.tsj.control.relay.RelayFixture.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.control.TestServer;
import dev.tsj.control.relay.client.RelayClient;
import dev.tsj.crypto.PrivateKey;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sender faster than the connection to the relay: with a send wait, {@code send} holds
 * the sender until the queue has room (backpressure, nothing lost on the node); without
 * one it drops at once and counts the drops.
 */
class RelayClientBackpressureTest {
    private static final int PACKETS = 5_000;
    private static final int QUEUE = 4;
    private RelayFixture f;

    @BeforeEach
    void start() throws Exception {
        // A deep queue at the relay, so what this test measures is the client's own.
        f = new RelayFixture(RelayServerConfig.defaults("test").withSendQueueFrames(PACKETS));
    }

    @AfterEach
    void stop() {
        f.close();
    }

    /** Sends {@link #PACKETS} 1200-byte packets back to back; returns how many send accepted. */
    private int burst(Duration sendWait, Inbox to) {
        PrivateKey b = f.admittedKey();
        RelayClient cb = f.client(b, to);
        RelayClient ca = f.client(f.admittedKey(), new Inbox(false),
                RelayFixture.FAST.withSendQueueFrames(QUEUE).withSendWait(sendWait));
        TestServer.await("both connected", WAIT, () -> ca.isConnected() && cb.isConnected());
        byte[] packet = new byte[1200];
        int accepted = 0;
        for (int i = 0; i < PACKETS; i++) {
            if (ca.send(b.publicKey(), packet, 0, packet.length)) {
                accepted++;
            }
        }
        assertEquals(PACKETS - accepted, ca.status().sendDrops(), "every refused packet is counted");
        return accepted;
    }

    @Test
    void withASendWaitAFastSenderIsHeldBackNotDropped() {
        Inbox in = new Inbox(false);
        assertEquals(PACKETS, burst(Duration.ofSeconds(5), in));
        TestServer.await("every packet to arrive", WAIT, () -> in.received.get() == PACKETS);
    }

    @Test
    void withoutOneAFullQueueDropsAtOnce() {
        int accepted = burst(Duration.ZERO, new Inbox(false));
        assertTrue(accepted < PACKETS, "a " + QUEUE + "-frame queue took all " + PACKETS + " back-to-back packets");
    }
}
