package dev.tsj.daemon.node;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** What a node tells the server about the host: its name and where it can be reached. */
final class HostIdentity {
    private HostIdentity() {}

    /** The kernel's hostname, read without any DNS lookup. */
    static String hostname() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException ignored) {
            // not Linux: fall through
        }
        String env = System.getenv("HOSTNAME");
        return env != null && !env.isBlank() ? env : "localhost";
    }

    /**
     * The UDP endpoints peers may use to reach this node: every global address of every up
     * interface except loopback and tsj's own tunnel, with the WireGuard port.
     */
    static List<InetSocketAddress> endpoints(int port, String ownInterface) {
        List<InetSocketAddress> out = new ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!ni.isUp() || ni.isLoopback() || ni.getName().equals(ownInterface)) {
                    continue;
                }
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (a.isLinkLocalAddress() || a.isLoopbackAddress() || a.isAnyLocalAddress() || isTailnet(a)) {
                        continue;
                    }
                    if (a instanceof Inet6Address v6 && v6.getScopeId() != 0) {
                        a = InetAddress.getByAddress(v6.getAddress());
                    }
                    out.add(new InetSocketAddress(a, port));
                }
            }
        } catch (SocketException | java.net.UnknownHostException e) {
            // no interfaces to report: peers must reach us some other way
        }
        // IPv4 first: most underlays route it; peers try endpoints in order.
        out.sort((x, y) -> Boolean.compare(x.getAddress() instanceof Inet6Address, y.getAddress() instanceof Inet6Address));
        return out;
    }

    private static boolean isTailnet(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 4) {
            return (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
        }
        return (b[0] & 0xff) == 0xfd && (b[1] & 0xff) == 0x7a && (b[2] & 0xff) == 0x11 && (b[3] & 0xff) == 0x5c;
    }

    static String os() {
        return System.getProperty("os.name", "linux").toLowerCase(Locale.ROOT);
    }
}
