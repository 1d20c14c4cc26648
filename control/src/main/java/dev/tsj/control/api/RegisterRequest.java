package dev.tsj.control.api;

import dev.tsj.crypto.PublicKey;

/**
 * Asks the server to register (or re-authorise) this machine's node under {@code nodeKey}.
 * The machine key is not in here: the server knows it from the Noise handshake.
 *
 * @param authKey   the auth key ({@code tskey-auth-...}); may be null when the node is
 *                  already registered with this node key and the key has not expired
 * @param ephemeral ask for an ephemeral node even if the auth key is not ephemeral
 */
public record RegisterRequest(PublicKey nodeKey, String authKey, boolean ephemeral, Hostinfo hostinfo)
        implements Message {
    @Override
    public String toString() {
        return "RegisterRequest[nodeKey=" + (nodeKey == null ? null : nodeKey.shortString())
                + ", authKey=" + (authKey == null ? null : "<redacted>") + ", ephemeral=" + ephemeral
                + ", hostinfo=" + hostinfo + "]";
    }
}
