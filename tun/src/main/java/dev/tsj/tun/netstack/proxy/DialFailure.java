package dev.tsj.tun.netstack.proxy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/** What a failed dial means to a proxy client, in SOCKS5 reply codes and one line of text. */
final class DialFailure {
    private DialFailure() {}

    static int socksReply(IOException e) {
        if (e instanceof UnknownHostException || e instanceof NoRouteToHostException) return Socks5.REP_HOST_UNREACHABLE;
        if (e instanceof SocketTimeoutException) return Socks5.REP_TTL_EXPIRED;
        if (e instanceof ConnectException && e.getMessage() != null && e.getMessage().contains("refused")) {
            return Socks5.REP_CONNECTION_REFUSED;
        }
        if (e instanceof ConnectException) return Socks5.REP_HOST_UNREACHABLE;
        return Socks5.REP_GENERAL_FAILURE;
    }

    static String describe(String host, int port, IOException e) {
        String why = e instanceof UnknownHostException ? "unknown host"
                : e instanceof SocketTimeoutException ? "connection timed out"
                : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return "cannot reach " + host + ":" + port + ": " + why;
    }
}
