package dev.tsj.control.api;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** IP and IP:port literals in text, parsed without ever resolving a name. */
public final class IpLiterals {
    private IpLiterals() {}

    public static InetAddress parseAddress(String text) {
        try {
            InetAddress a = InetAddress.ofLiteral(text.strip());
            if (a instanceof Inet6Address v6 && v6.getScopeId() != 0) {
                throw new IllegalArgumentException("scoped IPv6 address not allowed: " + text);
            }
            return a;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an IP address: \"" + text + "\"");
        }
    }

    /** Parses {@code 1.2.3.4:41641} or {@code [2001:db8::1]:41641}. */
    public static InetSocketAddress parseEndpoint(String text) {
        return parseEndpoint(text, 1);
    }

    /** Parses an address to listen on, where port 0 means any free port. */
    public static InetSocketAddress parseListenAddress(String text) {
        return parseEndpoint(text, 0);
    }

    private static InetSocketAddress parseEndpoint(String text, int minPort) {
        String s = text.strip();
        int colon = s.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("not an IP:port endpoint: \"" + text + "\"");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("IPv6 endpoint must be [addr]:port: \"" + text + "\"");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid port in endpoint \"" + text + "\"");
        }
        if (port < minPort || port > 65535) {
            throw new IllegalArgumentException("port out of range in endpoint \"" + text + "\"");
        }
        return new InetSocketAddress(parseAddress(host), port);
    }

    public static String formatEndpoint(InetSocketAddress ep) {
        InetAddress a = ep.getAddress();
        String host = IpText.of(a);
        return (a instanceof Inet6Address ? "[" + host + "]" : host) + ":" + ep.getPort();
    }
}
