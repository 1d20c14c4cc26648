package dev.tsj.it;

import java.util.ArrayList;
import java.util.List;

/**
 * One peer as {@code wg set} configures it. {@code presharedKey} and {@code endpoint} are
 * null when not set, {@code persistentKeepalive} 0 when off.
 */
record PeerSpec(String publicKey, String presharedKey, String endpoint, int persistentKeepalive, List<String> allowedIps) {
    PeerSpec {
        allowedIps = List.copyOf(allowedIps);
    }

    static PeerSpec of(String publicKey, List<String> allowedIps) {
        return new PeerSpec(publicKey, null, null, 0, allowedIps);
    }

    PeerSpec withPresharedKey(String psk) {
        return new PeerSpec(publicKey, psk, endpoint, persistentKeepalive, allowedIps);
    }

    PeerSpec withEndpoint(String ep) {
        return new PeerSpec(publicKey, presharedKey, ep, persistentKeepalive, allowedIps);
    }

    PeerSpec withKeepalive(int seconds) {
        return new PeerSpec(publicKey, presharedKey, endpoint, seconds, allowedIps);
    }

    /** The {@code wg set NAME ...} arguments after the interface name; {@code pskFile} holds the key. */
    List<String> wgSetArguments(String pskFile) {
        List<String> args = new ArrayList<>(List.of("peer", publicKey));
        if (presharedKey != null) {
            args.addAll(List.of("preshared-key", pskFile));
        }
        if (endpoint != null) {
            args.addAll(List.of("endpoint", endpoint));
        }
        if (persistentKeepalive != 0) {
            args.addAll(List.of("persistent-keepalive", Integer.toString(persistentKeepalive)));
        }
        args.addAll(List.of("allowed-ips", String.join(",", allowedIps)));
        return args;
    }
}
