package dev.tsj.daemon.wg;

import dev.tsj.control.api.IpText;
import java.net.InetAddress;

/** RFC 5952 text for addresses, which the JDK does not produce (shared with the control protocol). */
public final class Ipv6Text {
    private Ipv6Text() {}

    public static String compress(InetAddress a) {
        return IpText.of(a);
    }

    public static String of(InetAddress a) {
        return IpText.of(a);
    }
}
