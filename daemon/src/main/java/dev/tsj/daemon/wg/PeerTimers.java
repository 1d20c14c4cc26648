package dev.tsj.daemon.wg;

import static dev.tsj.crypto.WireGuardSpec.*;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The per-peer timer state machine of the WireGuard whitepaper (section 6) as deadlines
 * compared on each tick of the device clock, as boringtun does, rather than one OS timer
 * per event: packet events only write a deadline, so they cost a volatile store.
 * A deadline of 0 means "not armed".
 */
final class PeerTimers {
    /** Handshake retries before giving up: REKEY_ATTEMPT_TIME / REKEY_TIMEOUT. */
    static final int MAX_TIMER_HANDSHAKES = (int) (REKEY_ATTEMPT_TIME / REKEY_TIMEOUT);

    volatile long retransmitAt;
    volatile int handshakeAttempts;
    volatile long lastHandshakeSent = Long.MIN_VALUE / 2;
    volatile long keepaliveAt;
    volatile long newHandshakeAt;
    volatile long persistentKeepaliveAt;
    volatile long zeroKeysAt;
    /** Set once a responder-side "receiving" rekey was sent for the current session. */
    volatile boolean sentLastMinuteHandshake;

    private static long armed(long deadline) {
        return deadline == 0 ? 1 : deadline; // 0 is reserved for "off"
    }

    /** We sent data: expect something back within KEEPALIVE + REKEY_TIMEOUT, else rehandshake. */
    void dataSent(long now) {
        if (newHandshakeAt == 0) {
            newHandshakeAt = armed(now + KEEPALIVE_TIMEOUT + REKEY_TIMEOUT);
        }
    }

    /** We received data: answer with a keepalive if we send nothing within KEEPALIVE_TIMEOUT. */
    void dataReceived(long now) {
        if (keepaliveAt == 0) {
            keepaliveAt = armed(now + KEEPALIVE_TIMEOUT);
        }
    }

    // The two below run per packet: read before writing so an unarmed timer costs no store.
    void anyAuthenticatedPacketSent() {
        if (keepaliveAt != 0) {
            keepaliveAt = 0;
        }
    }

    void anyAuthenticatedPacketReceived() {
        if (newHandshakeAt != 0) {
            newHandshakeAt = 0;
        }
    }

    void anyAuthenticatedPacketTraversal(long now, int persistentKeepaliveSeconds) {
        if (persistentKeepaliveSeconds > 0) {
            persistentKeepaliveAt = armed(now + persistentKeepaliveSeconds * 1_000_000_000L);
        }
    }

    void handshakeInitiated(long now) {
        retransmitAt = armed(now + REKEY_TIMEOUT + ThreadLocalRandom.current().nextLong(REKEY_TIMEOUT_JITTER_MAX));
    }

    void handshakeComplete() {
        retransmitAt = 0;
        handshakeAttempts = 0;
        sentLastMinuteHandshake = false;
    }

    void sessionDerived(long now) {
        zeroKeysAt = armed(now + ZERO_KEYS_AFTER);
    }

    void stopAll() {
        retransmitAt = 0;
        keepaliveAt = 0;
        newHandshakeAt = 0;
        persistentKeepaliveAt = 0;
        zeroKeysAt = 0;
        handshakeAttempts = 0;
    }

    static boolean due(long deadline, long now) {
        return deadline != 0 && now - deadline >= 0;
    }
}
