package dev.tsj.daemon.uapi;

import dev.tsj.crypto.PresharedKey;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.daemon.wg.Device;
import dev.tsj.daemon.wg.Peer;
import dev.tsj.daemon.wg.Prefix;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The WireGuard cross-platform configuration protocol over one connection, as
 * wireguard-go serves it to {@code wg}: {@code get=1} dumps the device, {@code set=1}
 * applies a configuration, each answered with {@code errno=N} (0, or a negated Linux
 * errno) and a blank line.
 */
public final class UapiProtocol {
    private static final Logger LOG = Logger.getLogger(UapiProtocol.class.getName());
    /** A line is a key and a 64-digit value at most; anything far longer is hostile. */
    static final int MAX_LINE = 1024;
    /** Enough for tens of thousands of allowed IPs in one set. */
    static final int MAX_LINES = 1_000_000;

    private final Device device;
    private final ChangeGuard guard;

    /**
     * Decides whether a {@code set} may go ahead: in tailnet mode the netmap owns peers,
     * and the daemon refuses changes it would overwrite.
     */
    public interface ChangeGuard {
        /** Returns null to allow, or a message explaining the refusal. */
        String check(List<String> setLines);

        ChangeGuard ALLOW_ALL = lines -> null;
    }

    public UapiProtocol(Device device, ChangeGuard guard) {
        this.device = device;
        this.guard = guard;
    }

    /** Serves requests until the client closes the connection. */
    public void serve(BufferedReader in, Writer out) throws IOException {
        while (true) {
            String op = readLine(in);
            if (op == null) {
                return;
            }
            switch (op) {
                case "get=1" -> {
                    if (!readBlock(in).isEmpty()) {
                        respond(out, -UapiException.EINVAL);
                        return;
                    }
                    out.write(dump());
                    respond(out, 0);
                }
                case "set=1" -> respond(out, set(readBlock(in)));
                case "" -> { }
                default -> {
                    respond(out, -UapiException.EINVAL);
                    return;
                }
            }
        }
    }

    private static void respond(Writer out, int errno) throws IOException {
        out.write("errno=" + errno + "\n\n");
        out.flush();
    }

    private static String readLine(BufferedReader in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                return sb.toString();
            }
            if (sb.length() >= MAX_LINE) {
                throw new IOException("UAPI line too long");
            }
            sb.append((char) c);
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    private static List<String> readBlock(BufferedReader in) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            if (lines.size() >= MAX_LINES) {
                throw new IOException("UAPI request too long");
            }
            lines.add(line);
        }
        return lines;
    }

    /** The {@code get=1} body, in wireguard-go's key order. */
    String dump() {
        StringBuilder sb = new StringBuilder();
        PrivateKey pk = device.privateKey();
        if (pk != null) {
            sb.append("private_key=").append(pk.toHex()).append('\n');
        }
        if (device.listenPort() != 0) {
            sb.append("listen_port=").append(device.listenPort()).append('\n');
        }
        if (device.fwmark() != 0) {
            sb.append("fwmark=").append(Integer.toUnsignedString(device.fwmark())).append('\n');
        }
        for (Peer p : device.peers()) {
            sb.append("public_key=").append(p.publicKey().toHex()).append('\n');
            sb.append("preshared_key=").append(p.presharedKey().toHex()).append('\n');
            sb.append("protocol_version=1\n");
            InetSocketAddress ep = p.endpoint();
            if (ep != null) {
                sb.append("endpoint=").append(endpointText(ep)).append('\n');
            }
            Instant hs = p.lastHandshake();
            sb.append("last_handshake_time_sec=").append(hs == null ? 0 : hs.getEpochSecond()).append('\n');
            sb.append("last_handshake_time_nsec=").append(hs == null ? 0 : hs.getNano()).append('\n');
            sb.append("tx_bytes=").append(p.txBytes()).append('\n');
            sb.append("rx_bytes=").append(p.rxBytes()).append('\n');
            sb.append("persistent_keepalive_interval=").append(p.persistentKeepaliveSeconds()).append('\n');
            for (Prefix a : device.allowedIps().prefixesOf(p)) {
                sb.append("allowed_ip=").append(a).append('\n');
            }
        }
        return sb.toString();
    }

    public static String endpointText(InetSocketAddress ep) {
        String host = dev.tsj.daemon.wg.Ipv6Text.of(ep.getAddress());
        return ep.getAddress() instanceof Inet6Address ? "[" + host + "]:" + ep.getPort() : host + ":" + ep.getPort();
    }

    /** Applies a set request; returns 0 or a negated errno. */
    int set(List<String> lines) {
        SetRequest req;
        try {
            req = SetRequest.parse(lines);
        } catch (UapiException e) {
            LOG.warning("uapi: set refused: " + e.getMessage());
            return -e.errno;
        }
        String refusal = guard.check(lines);
        if (refusal != null) {
            LOG.warning("uapi: set refused: " + refusal);
            return -UapiException.EPERM;
        }
        try {
            apply(req);
            return 0;
        } catch (UapiException e) {
            LOG.warning("uapi: set failed: " + e.getMessage());
            return -e.errno;
        }
    }

    private void apply(SetRequest req) throws UapiException {
        if (req.privateKeySet()) {
            device.setPrivateKey(req.privateKey());
        }
        if (req.listenPort() != null) {
            try {
                device.listen(req.listenPort());
            } catch (IOException e) {
                throw new UapiException(UapiException.EADDRINUSE, e.getMessage());
            }
        }
        if (req.fwmark() != null) {
            try {
                device.setFwmark(req.fwmark());
            } catch (IOException e) {
                throw new UapiException(UapiException.EIO, e.getMessage());
            }
        }
        if (req.replacePeers()) {
            device.removeAllPeers();
        }
        for (SetRequest.PeerChange c : req.peers()) {
            applyPeer(c);
        }
    }

    private void applyPeer(SetRequest.PeerChange c) throws UapiException {
        if (c.publicKey.equals(device.publicKey())) {
            return; // wireguard-go silently ignores a peer with our own key
        }
        if (c.remove) {
            device.removePeer(c.publicKey);
            return;
        }
        Peer p = device.peer(c.publicKey);
        if (p == null) {
            if (c.updateOnly) {
                return;
            }
            try {
                p = device.addPeer(c.publicKey);
            } catch (IllegalArgumentException e) {
                throw new UapiException(UapiException.EINVAL, e.getMessage());
            }
        }
        if (c.presharedKey != null) {
            p.setPresharedKey(c.presharedKey.isZero() ? PresharedKey.zero() : c.presharedKey);
        }
        if (c.endpoint != null) {
            p.setEndpoint(c.endpoint);
        }
        if (c.replaceAllowedIps) {
            device.allowedIps().removeAll(p);
        }
        for (Prefix a : c.removeAllowedIps) {
            device.allowedIps().remove(a, p);
        }
        for (Prefix a : c.addAllowedIps) {
            device.allowedIps().insert(a, p);
        }
        if (c.persistentKeepalive != null) {
            device.setPersistentKeepalive(p, c.persistentKeepalive);
        }
    }
}
