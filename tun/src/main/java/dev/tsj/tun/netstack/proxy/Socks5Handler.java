package dev.tsj.tun.netstack.proxy;

import dev.tsj.tun.netstack.forward.Duplex;
import dev.tsj.tun.netstack.forward.Relay;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One SOCKS5 client (RFC 1928): method negotiation (no authentication, or RFC 1929
 * username/password when credentials are configured), then CONNECT or UDP ASSOCIATE.
 * BIND is answered "command not supported".
 */
final class Socks5Handler {
    private static final System.Logger LOG = System.getLogger(Socks5Handler.class.getName());

    private final Dialer dialer;
    private final ProxyCredentials credentials;

    Socks5Handler(Dialer dialer, ProxyCredentials credentials) {
        this.dialer = dialer;
        this.credentials = credentials;
    }

    void handle(Socket client, InputStream bufferedIn) throws IOException {
        DataInputStream in = new DataInputStream(bufferedIn);
        OutputStream out = client.getOutputStream();
        if (in.readUnsignedByte() != Socks5.VERSION) return;
        byte[] methods = in.readNBytes(in.readUnsignedByte());
        int wanted = credentials != null ? Socks5.METHOD_USERNAME_PASSWORD : Socks5.METHOD_NO_AUTH;
        boolean offered = false;
        for (byte m : methods) offered |= (m & 0xff) == wanted;
        out.write(new byte[] {Socks5.VERSION, (byte) (offered ? wanted : Socks5.METHOD_NO_ACCEPTABLE)});
        if (!offered) return;
        if (credentials != null && !authenticate(in, out)) return;

        if (in.readUnsignedByte() != Socks5.VERSION) return;
        int command = in.readUnsignedByte();
        in.readUnsignedByte(); // RSV
        InetSocketAddress target;
        try {
            target = readAddress(in);
        } catch (UnsupportedAddressType e) {
            reply(out, Socks5.REP_ADDRESS_TYPE_NOT_SUPPORTED, null);
            return;
        }
        switch (command) {
            case Socks5.CMD_CONNECT -> connect(client, bufferedIn, out, target);
            case Socks5.CMD_UDP_ASSOCIATE -> associate(client, in, out, target);
            default -> reply(out, Socks5.REP_COMMAND_NOT_SUPPORTED, null);
        }
    }

    /** RFC 1929 sub-negotiation; false (after telling the client) when the credentials are wrong. */
    private boolean authenticate(DataInputStream in, OutputStream out) throws IOException {
        if (in.readUnsignedByte() != Socks5.AUTH_VERSION) return false;
        String user = new String(readExactly(in, in.readUnsignedByte()), StandardCharsets.UTF_8);
        String pass = new String(readExactly(in, in.readUnsignedByte()), StandardCharsets.UTF_8);
        boolean ok = credentials.matches(user, pass);
        out.write(new byte[] {Socks5.AUTH_VERSION, (byte) (ok ? Socks5.AUTH_SUCCESS : Socks5.AUTH_FAILURE)});
        if (!ok) LOG.log(System.Logger.Level.INFO, "socks5: authentication failed for user \"" + user + "\"");
        return ok;
    }

    private void connect(Socket client, InputStream bufferedIn, OutputStream out, InetSocketAddress target) throws IOException {
        Duplex upstream;
        try {
            upstream = dialer.dial(target.getHostString(), target.getPort());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "socks5: " + DialFailure.describe(target.getHostString(), target.getPort(), e));
            reply(out, DialFailure.socksReply(e), null);
            return;
        }
        reply(out, Socks5.REP_SUCCEEDED, null);
        client.setSoTimeout(0);
        Relay.start(new ClientDuplex(client, bufferedIn), upstream).join();
    }

    /**
     * UDP ASSOCIATE: a host UDP socket on the address the client reached us at; datagrams
     * from the client's address are unwrapped and sent on, replies wrapped and returned.
     * The association lives as long as the control connection.
     */
    private void associate(Socket client, DataInputStream in, OutputStream out, InetSocketAddress declared) throws IOException {
        try (DatagramSocket relay = new DatagramSocket(new InetSocketAddress(client.getLocalAddress(), 0));
             DatagramPort upstream = dialer.openUdp()) {
            reply(out, Socks5.REP_SUCCEEDED, new InetSocketAddress(relay.getLocalAddress(), relay.getLocalPort()));
            InetAddress clientIp = client.getInetAddress();
            int declaredPort = declared.getPort();
            AtomicReference<InetSocketAddress> clientUdp = new AtomicReference<>();
            Thread.ofVirtual().start(() -> clientToTargets(relay, upstream, clientIp, declaredPort, clientUdp));
            Thread.ofVirtual().start(() -> targetsToClient(relay, upstream, clientUdp));
            client.setSoTimeout(0);
            try {
                while (in.read() >= 0) { /* the control connection carries nothing more */ }
            } catch (IOException closed) {
                // the client went away: end the association
            }
        } // closing both sockets ends the two relay threads
    }

    private static void clientToTargets(DatagramSocket relay, DatagramPort upstream, InetAddress clientIp, int declaredPort,
                                        AtomicReference<InetSocketAddress> clientUdp) {
        byte[] buf = new byte[65535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!relay.isClosed()) {
            try {
                p.setLength(buf.length);
                relay.receive(p);
            } catch (IOException e) {
                return;
            }
            // Only the client that made the association may use it (RFC 1928 section 7).
            if (!p.getAddress().equals(clientIp) || (declaredPort != 0 && p.getPort() != declaredPort)) continue;
            clientUdp.set((InetSocketAddress) p.getSocketAddress());
            ByteBuffer d = ByteBuffer.wrap(buf, 0, p.getLength());
            try {
                if (d.getShort() != 0) continue; // RSV
                if (d.get() != 0) continue; // fragmentation is optional and not implemented: drop
                InetSocketAddress target = readAddress(d);
                upstream.send(target, d);
            } catch (IOException | RuntimeException e) {
                // a malformed or undeliverable datagram is dropped, as UDP would
            }
        }
    }

    private static void targetsToClient(DatagramSocket relay, DatagramPort upstream, AtomicReference<InetSocketAddress> clientUdp) {
        ByteBuffer in = ByteBuffer.allocate(65535);
        while (!relay.isClosed()) {
            InetSocketAddress from;
            try {
                from = upstream.receive(in);
            } catch (IOException e) {
                return;
            }
            InetSocketAddress to = clientUdp.get();
            if (to == null) continue;
            byte[] addr = from.getAddress().getAddress();
            ByteBuffer out = ByteBuffer.allocate(3 + 1 + addr.length + 2 + in.remaining());
            out.putShort((short) 0).put((byte) 0);
            out.put((byte) (addr.length == 4 ? Socks5.ATYP_IPV4 : Socks5.ATYP_IPV6)).put(addr).putShort((short) from.getPort());
            out.put(in);
            try {
                relay.send(new DatagramPacket(out.array(), out.position(), to));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static final class UnsupportedAddressType extends IOException {
        UnsupportedAddressType() {
            super("unsupported SOCKS5 address type");
        }
    }

    /** ATYP, address and port; domain names stay unresolved for the dialer. */
    private static InetSocketAddress readAddress(DataInputStream in) throws IOException {
        int atyp = in.readUnsignedByte();
        InetSocketAddress a = switch (atyp) {
            case Socks5.ATYP_IPV4 -> new InetSocketAddress(InetAddress.getByAddress(readExactly(in, 4)), 0);
            case Socks5.ATYP_IPV6 -> new InetSocketAddress(InetAddress.getByAddress(readExactly(in, 16)), 0);
            case Socks5.ATYP_DOMAINNAME -> InetSocketAddress.createUnresolved(
                    new String(readExactly(in, in.readUnsignedByte()), StandardCharsets.US_ASCII), 0);
            default -> throw new UnsupportedAddressType();
        };
        int port = in.readUnsignedShort();
        return a.isUnresolved() ? InetSocketAddress.createUnresolved(a.getHostString(), port) : new InetSocketAddress(a.getAddress(), port);
    }

    /** The same from a UDP request header; throws on truncation. */
    private static InetSocketAddress readAddress(ByteBuffer b) throws IOException {
        int atyp = b.get() & 0xff;
        byte[] raw = new byte[switch (atyp) {
            case Socks5.ATYP_IPV4 -> 4;
            case Socks5.ATYP_IPV6 -> 16;
            case Socks5.ATYP_DOMAINNAME -> b.get() & 0xff;
            default -> throw new UnsupportedAddressType();
        }];
        b.get(raw);
        int port = b.getShort() & 0xffff;
        return atyp == Socks5.ATYP_DOMAINNAME
                ? InetSocketAddress.createUnresolved(new String(raw, StandardCharsets.US_ASCII), port)
                : new InetSocketAddress(InetAddress.getByAddress(raw), port);
    }

    private static byte[] readExactly(DataInputStream in, int n) throws IOException {
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    private static void reply(OutputStream out, int code, InetSocketAddress bound) throws IOException {
        InetAddress addr = bound != null ? bound.getAddress() : InetAddress.getByAddress(new byte[4]);
        byte[] raw = addr.getAddress();
        ByteBuffer b = ByteBuffer.allocate(4 + raw.length + 2);
        b.put((byte) Socks5.VERSION).put((byte) code).put((byte) 0);
        b.put((byte) (addr instanceof Inet4Address ? Socks5.ATYP_IPV4 : Socks5.ATYP_IPV6)).put(raw);
        b.putShort((short) (bound != null ? bound.getPort() : 0));
        out.write(b.array());
        out.flush();
    }
}
