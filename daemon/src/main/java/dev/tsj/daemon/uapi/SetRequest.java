package dev.tsj.daemon.uapi;

import dev.tsj.crypto.KeyFormatException;
import dev.tsj.crypto.PresharedKey;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.PublicKey;
import dev.tsj.daemon.wg.Prefix;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed and validated {@code set=1} request of the WireGuard cross-platform interface
 * (https://www.wireguard.com/xplatform/). Parsing touches nothing, so a request with any
 * bad line changes nothing at all.
 */
record SetRequest(PrivateKey privateKey, boolean privateKeySet, Integer listenPort, Integer fwmark,
                  boolean replacePeers, List<PeerChange> peers) {

    /** Everything one {@code public_key=} section asks for. */
    static final class PeerChange {
        final PublicKey publicKey;
        boolean remove;
        boolean updateOnly;
        PresharedKey presharedKey;
        InetSocketAddress endpoint;
        Integer persistentKeepalive;
        boolean replaceAllowedIps;
        final List<Prefix> addAllowedIps = new ArrayList<>();
        final List<Prefix> removeAllowedIps = new ArrayList<>();

        PeerChange(PublicKey publicKey) {
            this.publicKey = publicKey;
        }
    }

    static SetRequest parse(List<String> lines) throws UapiException {
        PrivateKey privateKey = null;
        boolean privateKeySet = false;
        Integer listenPort = null;
        Integer fwmark = null;
        boolean replacePeers = false;
        List<PeerChange> peers = new ArrayList<>();
        PeerChange peer = null;
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw invalid("malformed line \"" + line + "\"");
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            if (peer == null) {
                switch (key) {
                    case "private_key" -> {
                        PresharedKey raw = hexKey(value, key);
                        privateKey = raw.isZero() ? null : PrivateKey.fromHex(raw.toHex()); // all zero: remove the key
                        raw.destroy();
                        privateKeySet = true;
                    }
                    case "listen_port" -> listenPort = (int) number(value, 0xffff, key);
                    case "fwmark" -> fwmark = (int) number(value, 0xffffffffL, key);
                    case "replace_peers" -> replacePeers = bool(value, key);
                    case "public_key" -> peers.add(peer = new PeerChange(PublicKey.fromHex(hexKey(value, key).toHex())));
                    default -> throw invalid("unknown device key \"" + key + "\"");
                }
                continue;
            }
            switch (key) {
                case "public_key" -> peers.add(peer = new PeerChange(PublicKey.fromHex(hexKey(value, key).toHex())));
                case "remove" -> peer.remove = bool(value, key);
                case "update_only" -> peer.updateOnly = bool(value, key);
                case "preshared_key" -> peer.presharedKey = PresharedKey.fromHex(hexKey(value, key).toHex());
                case "endpoint" -> peer.endpoint = endpoint(value);
                case "persistent_keepalive_interval" -> peer.persistentKeepalive = (int) number(value, 0xffff, key);
                case "replace_allowed_ips" -> peer.replaceAllowedIps = bool(value, key);
                case "allowed_ip" -> {
                    boolean removal = value.startsWith("-");
                    Prefix p = prefix(removal ? value.substring(1) : value);
                    (removal ? peer.removeAllowedIps : peer.addAllowedIps).add(p);
                }
                case "protocol_version" -> {
                    if (!value.equals("1")) {
                        throw invalid("unsupported protocol_version " + value);
                    }
                }
                default -> throw invalid("unknown peer key \"" + key + "\"");
            }
        }
        return new SetRequest(privateKey, privateKeySet, listenPort, fwmark, replacePeers, peers);
    }

    private static UapiException invalid(String message) {
        return new UapiException(UapiException.EINVAL, message);
    }

    /** Any 64-hex-digit key, parsed as a preshared key just to hold the bytes. */
    private static PresharedKey hexKey(String value, String key) throws UapiException {
        try {
            return PresharedKey.fromHex(value);
        } catch (KeyFormatException e) {
            throw invalid(key + ": " + e.getMessage());
        }
    }

    private static long number(String value, long max, String key) throws UapiException {
        if (value.isEmpty() || value.length() > 10 || !value.chars().allMatch(Character::isDigit)) {
            throw invalid(key + ": not a number: \"" + value + "\"");
        }
        long n = Long.parseLong(value);
        if (n > max) {
            throw invalid(key + ": " + value + " is out of range");
        }
        return n;
    }

    private static boolean bool(String value, String key) throws UapiException {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key + ": expected true or false, got \"" + value + "\"");
        };
    }

    private static Prefix prefix(String value) throws UapiException {
        if (value.indexOf('/') < 0) {
            throw invalid("allowed_ip: \"" + value + "\" lacks a /prefix length");
        }
        try {
            return Prefix.parse(value);
        } catch (IllegalArgumentException e) {
            throw invalid("allowed_ip: " + e.getMessage());
        }
    }

    /** "203.0.113.1:51820" or "[2001:db8::1]:51820"; names are not resolved. */
    static InetSocketAddress endpoint(String value) throws UapiException {
        String host;
        String port;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0 || close + 1 >= value.length() || value.charAt(close + 1) != ':') {
                throw invalid("endpoint: malformed \"" + value + "\"");
            }
            host = value.substring(1, close);
            port = value.substring(close + 2);
        } else {
            int colon = value.lastIndexOf(':');
            if (colon <= 0 || value.indexOf(':') != colon) {
                throw invalid("endpoint: malformed \"" + value + "\"");
            }
            host = value.substring(0, colon);
            port = value.substring(colon + 1);
        }
        try {
            int p = (int) number(port, 0xffff, "endpoint port");
            return new InetSocketAddress(Prefix.parseAddress(host), p);
        } catch (IllegalArgumentException e) {
            throw invalid("endpoint: " + e.getMessage());
        }
    }
}
