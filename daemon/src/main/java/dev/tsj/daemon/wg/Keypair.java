package dev.tsj.daemon.wg;

import dev.tsj.crypto.AeadKey;
import dev.tsj.crypto.ReplayWindow;
import dev.tsj.crypto.TransportKeys;
import dev.tsj.crypto.WireGuardSpec;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One session's transport keys with a peer: send counter (nonces handed out in order),
 * receive replay window, the indexes both sides route by, and its birth time for the
 * REKEY/REJECT timers.
 */
public final class Keypair {
    private final TransportKeys keys;
    final int localIndex;
    final int remoteIndex;
    final boolean initiator;
    final long created;
    final Peer peer;
    private final AtomicLong sendCounter = new AtomicLong();
    /** Touched only by the peer's in-order receive path. */
    final ReplayWindow replay = new ReplayWindow();

    Keypair(Peer peer, TransportKeys keys, int localIndex, int remoteIndex, boolean initiator, long created) {
        this.peer = peer;
        this.keys = keys;
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
        this.initiator = initiator;
        this.created = created;
    }

    AeadKey sendKey() {
        return keys.send();
    }

    AeadKey receiveKey() {
        return keys.receive();
    }

    /** The next nonce, or -1 once the key may no longer send (REJECT_AFTER_MESSAGES). */
    long nextCounter() {
        long c = sendCounter.getAndIncrement();
        if (Long.compareUnsigned(c, WireGuardSpec.REJECT_AFTER_MESSAGES) >= 0) {
            sendCounter.set(WireGuardSpec.REJECT_AFTER_MESSAGES);
            return -1;
        }
        return c;
    }

    /** Stops this keypair from sending (a new identity or an exhausted counter). */
    void exhaust() {
        sendCounter.set(WireGuardSpec.REJECT_AFTER_MESSAGES);
    }

    long sentCount() {
        return sendCounter.get();
    }

    /** Usable for sending and receiving until REJECT_AFTER_TIME. */
    boolean expired(long now) {
        return now - created >= WireGuardSpec.REJECT_AFTER_TIME
                || Long.compareUnsigned(sendCounter.get(), WireGuardSpec.REJECT_AFTER_MESSAGES) >= 0;
    }

    void destroy() {
        keys.destroy();
    }

    boolean destroyed() {
        return keys.send().isDestroyed();
    }
}
