package dev.tsj.daemon.magic;

import dev.tsj.crypto.PublicKey;

/**
 * What the path manager needs from the relay connections: send bytes to a peer's node
 * key through a named relay (the peer's home relay, or ours when it has none), and the
 * name of our home relay to report. Received relay packets come back through
 * {@link MagicSock#onRelayPacket}.
 */
public interface RelayLink {
    /** Sends; false when no connection to that relay is up (the packet is dropped). */
    boolean send(String relay, PublicKey dst, byte[] packet, int off, int len);

    /** Our home relay's name, or null before one is chosen. */
    String homeRelay();

    RelayLink NONE = new RelayLink() {
        @Override
        public boolean send(String relay, PublicKey dst, byte[] packet, int off, int len) {
            return false;
        }

        @Override
        public String homeRelay() {
            return null;
        }
    };
}
