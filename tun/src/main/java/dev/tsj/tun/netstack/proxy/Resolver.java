package dev.tsj.tun.netstack.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Name resolution for the proxies; the daemon plugs in MagicDNS in front of the system resolver. */
@FunctionalInterface
public interface Resolver {
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /** The JVM's resolver (the host's /etc/hosts and DNS). Literals never touch the network. */
    static Resolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }
}
