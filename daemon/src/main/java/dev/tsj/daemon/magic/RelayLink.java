package dev.tsj.daemon.magic;

import dev.tsj.crypto.PublicKey;

/**
 * What the path manager needs from the relay connections: send bytes to a peer's node
 * key through a named relay (the peer's home relay, or ours when it has none), and the
 * name of our home relay to report. Received relay packets come back through
 * {@link MagicSock#onRelayPacket}.
 */
public interface RelayLink {
    /** Sends through relay region {@code region}; false when it is not connected (dropped). */
    boolean send(int region, PublicKey dst, byte[] packet, int off, int len);

    /** Our home relay's region id, or 0 before one is chosen. */
    int homeRelay();

    /** Whether region {@code region} can carry packets now. */
    default boolean connected(int region) {
        return false;
    }

    RelayLink NONE = new RelayLink() {
        @Override
        public boolean send(int region, PublicKey dst, byte[] packet, int off, int len) {
            return false;
        }

        @Override
        public int homeRelay() {
            return 0;
        }
    };
}
