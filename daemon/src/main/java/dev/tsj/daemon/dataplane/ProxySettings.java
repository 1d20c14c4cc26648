package dev.tsj.daemon.dataplane;

import dev.tsj.control.api.IpLiterals;
import dev.tsj.tun.netstack.proxy.ProxyCredentials;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The proxies a userspace node serves to local programs: SOCKS5, an HTTP proxy (either
 * may be null; both on one address is one listener serving both), and the credentials
 * they require, if any.
 */
public record ProxySettings(InetSocketAddress socks5, InetSocketAddress http, ProxyCredentials credentials) {
    public static final ProxySettings NONE = new ProxySettings(null, null, null);

    /**
     * {@code ADDR:PORT} as the proxy flags take it: an IP literal ({@code [v6]:PORT}) or
     * {@code localhost}; throws IllegalArgumentException with a one-line reason naming {@code flag}.
     */
    public static InetSocketAddress parseListen(String flag, String text) {
        if (text == null) {
            return null;
        }
        String s = text.strip();
        try {
            if (s.regionMatches(true, 0, "localhost:", 0, "localhost:".length())) {
                s = "127.0.0.1" + s.substring("localhost".length());
            }
            InetSocketAddress a = IpLiterals.parseListenAddress(s);
            if (a.getPort() == 0 && !s.endsWith(":0")) {
                throw new IllegalArgumentException("no port");
            }
            return a;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": \"" + text + "\" is not ADDR:PORT (e.g. 127.0.0.1:1055 or [::1]:1055)");
        }
    }

    /**
     * The one line {@code USER:PASSWORD} of a proxy credentials file (the password may hold
     * colons; a trailing newline is ignored). Throws IOException with a one-line reason.
     */
    public static ProxyCredentials readCredentials(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new IOException("--proxy-auth-file: cannot read " + file + ": " + e.getClass().getSimpleName()
                    .replace("NoSuchFileException", "no such file").replace("AccessDeniedException", "permission denied"));
        }
        int colon = lines.size() == 1 ? lines.getFirst().indexOf(':') : -1;
        if (colon <= 0) {
            throw new IOException("--proxy-auth-file: " + file + " must hold one line USER:PASSWORD");
        }
        try {
            return new ProxyCredentials(lines.getFirst().substring(0, colon), lines.getFirst().substring(colon + 1).stripTrailing());
        } catch (IllegalArgumentException e) {
            throw new IOException("--proxy-auth-file: " + e.getMessage());
        }
    }

    public boolean any() {
        return socks5 != null || http != null;
    }

}
