package dev.tsj.deploy.app;

import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The "application" in the test pods, run by the image's Java runtime: fetches a URL and
 * prints the body. With -DsocksProxyHost/-DsocksProxyPort (and -DsocksProxyVersion=5)
 * the JDK connects through that SOCKS5 proxy, as an application configured with
 * ALL_PROXY would.
 */
public final class Fetch {
    private Fetch() {}

    public static void main(String[] args) throws Exception {
        HttpURLConnection c = (HttpURLConnection) URI.create(args[0]).toURL().openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(10000);
        System.out.print(new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
