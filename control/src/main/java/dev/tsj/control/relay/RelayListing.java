package dev.tsj.control.relay;

import dev.tsj.control.api.RelayNode;
import dev.tsj.control.stun.Stun;
import dev.tsj.crypto.KeyFormatException;
import dev.tsj.crypto.PublicKey;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * A standalone relay as an operator lists it for the netmap ({@code tsj control serve
 * --relay}): {@code [NAME=]http://HOST:PORT[/relay][?region=N&stun=P&stunalt=P&key=KEY]}.
 * The name defaults to the host; STUN to ports 3478 and 3479 on the host (0: none); the
 * key (the relay's public key, base64 as {@code tsj pubkey} prints it, or hex) lets nodes
 * check the relay.
 */
public final class RelayListing {
    private RelayListing() {}

    /** Parses one listing; {@code defaultRegion} is used without {@code region=}. Throws with a one-line reason. */
    public static RelayNode parse(String spec, int defaultRegion) {
        String s = spec.strip();
        String name = null;
        int eq = s.indexOf('=');
        if (eq > 0 && !s.substring(0, eq).contains(":")) {
            name = s.substring(0, eq);
            s = s.substring(eq + 1);
        }
        URI u;
        try {
            u = new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("relay \"" + spec + "\": not a URL");
        }
        if (!"http".equalsIgnoreCase(u.getScheme()) || u.getHost() == null || u.getPort() <= 0) {
            throw new IllegalArgumentException("relay \"" + spec + "\": must be [NAME=]http://HOST:PORT[/relay]");
        }
        int region = defaultRegion;
        int stun = Stun.DEFAULT_PORT;
        int stunAlt = Stun.DEFAULT_ALT_PORT;
        PublicKey key = null;
        if (u.getRawQuery() != null) {
            for (String kv : u.getRawQuery().split("&")) {
                int i = kv.indexOf('=');
                String k = i < 0 ? kv : kv.substring(0, i);
                String v = i < 0 ? "" : kv.substring(i + 1);
                switch (k) {
                    case "region" -> region = number(spec, k, v, 1, 65_535);
                    case "stun" -> stun = number(spec, k, v, 0, 65_535);
                    case "stunalt" -> stunAlt = number(spec, k, v, 0, 65_535);
                    case "key" -> {
                        try {
                            key = v.length() == 64 ? PublicKey.fromHex(v) : PublicKey.fromBase64(v);
                        } catch (KeyFormatException e) {
                            throw new IllegalArgumentException("relay \"" + spec
                                    + "\": key must be the relay's public key (tsj pubkey < KEYFILE), base64 or hex");
                        }
                    }
                    default -> throw new IllegalArgumentException("relay \"" + spec + "\": unknown parameter \"" + k
                            + "\" (region, stun, stunalt, key)");
                }
            }
        }
        if (name == null) {
            name = u.getHost();
        }
        if (name.isEmpty() || name.length() > dev.tsj.control.relay.proto.RelayProto.MAX_NAME) {
            throw new IllegalArgumentException("relay \"" + spec + "\": name must be 1 to 63 characters");
        }
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? dev.tsj.control.relay.proto.RelayProto.PATH
                : u.getRawPath();
        String url = "http://" + u.getRawAuthority() + path;
        return new RelayNode(name, region, url, null, stun, stun == 0 ? 0 : stunAlt, key);
    }

    private static int number(String spec, String k, String v, int min, int max) {
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw new IllegalArgumentException("relay \"" + spec + "\": " + k + " must be a number from " + min + " to " + max);
    }
}
