package dev.tsj.daemon.dataplane;

import dev.tsj.control.api.IpPrefix;
import dev.tsj.control.api.NetMap;
import dev.tsj.control.api.Node;
import dev.tsj.tun.netstack.proxy.Resolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Name resolution for the proxies: tailnet host names ({@code web}, {@code web.tsj.internal})
 * from the current netmap, as MagicDNS answers them, then the host's resolver.
 */
public final class TailnetNames implements Resolver {
    private final Supplier<NetMap> netMap;
    private final Resolver fallback;

    public TailnetNames(Supplier<NetMap> netMap, Resolver fallback) {
        this.netMap = netMap;
        this.fallback = fallback;
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        NetMap m = netMap.get();
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (m != null && !name.isEmpty() && !Character.isDigit(name.charAt(0)) && name.indexOf(':') < 0) {
            List<Node> nodes = new ArrayList<>(m.peers());
            nodes.add(m.self());
            for (Node n : nodes) {
                if (name.equalsIgnoreCase(n.name()) || name.equalsIgnoreCase(n.dnsName())) {
                    List<InetAddress> out = new ArrayList<>();
                    for (IpPrefix a : n.addresses()) {
                        out.add(a.address());
                    }
                    // IPv4 first, as the system resolver orders them by default.
                    out.sort((x, y) -> Integer.compare(x.getAddress().length, y.getAddress().length));
                    return out;
                }
            }
        }
        return fallback.resolve(host);
    }
}
