package dev.tsj.control.api;

import dev.tsj.crypto.PublicKey;
import java.net.URI;

/**
 * One relay as the netmap advertises it (tsj's DERP map entry): where nodes connect to
 * relay packets when no direct path works, and where its STUN responders are.
 *
 * @param name        unique, as {@code tsj status} shows it ({@code relay "fra"})
 * @param regionId    the number a node reports as its home relay ({@link Node#homeRelay()})
 * @param url         {@code http://HOST:PORT[/relay]}, or just a path ({@code /relay}) on
 *                    the control server's own host and port: the embedded relay
 * @param stunHost    the STUN responders' host; null: the host of {@code url}
 * @param stunPort    primary STUN port; 0: no STUN
 * @param stunAltPort second STUN port on the same host, for telling a hard NAT; 0: none
 * @param publicKey   the relay's key, which a client checks; null: not known here
 */
public record RelayNode(String name, int regionId, String url, String stunHost, int stunPort, int stunAltPort,
                        PublicKey publicKey) {
    /** The relay's absolute URL, a path resolved against the control server's URL. */
    public URI resolveUrl(URI controlUrl) {
        URI u = URI.create(url);
        return u.isAbsolute() ? u : controlUrl.resolve(u);
    }

    /** The STUN host to use, given the control server's URL. */
    public String resolveStunHost(URI controlUrl) {
        return stunHost != null ? stunHost : resolveUrl(controlUrl).getHost();
    }
}
