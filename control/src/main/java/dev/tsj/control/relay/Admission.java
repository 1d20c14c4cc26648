package dev.tsj.control.relay;

import dev.tsj.crypto.PublicKey;

/**
 * Whether a node key may use the relay: only nodes of the tailnet may, so a relay is not
 * an open packet forwarder. Asked once per connection after the node has proved its key,
 * and again periodically for connected nodes (a deleted or expired node is dropped).
 */
@FunctionalInterface
public interface Admission {
    enum Verdict {
        ADMIT,
        REFUSE,
        /** The authority could not be asked (control server down): refuse new, keep existing. */
        UNAVAILABLE
    }

    Verdict check(PublicKey nodeKey);

    /** Admits every key: for tests and for {@code tsj relay serve --open} only. */
    static Admission everyone() {
        return k -> Verdict.ADMIT;
    }
}
