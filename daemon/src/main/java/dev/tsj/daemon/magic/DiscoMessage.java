package dev.tsj.daemon.magic;

import dev.tsj.crypto.PublicKey;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The plaintext of tsj's discovery ("disco") messages, after Tailscale's: a ping (with
 * a transaction id and the sender's node key), the pong that answers it (carrying the
 * source address the ping was seen from, which tells the pinger its outside address), and
 * call-me-maybe (the sender's candidate endpoints, so the receiver pings them at once).
 * Layout: type (1), version (1), body. Addresses are 16 bytes (IPv4 mapped) + port (2).
 */
public sealed interface DiscoMessage {
    int VERSION = 0;
    int TYPE_PING = 1;
    int TYPE_PONG = 2;
    int TYPE_CALL_ME_MAYBE = 3;
    int TXID_SIZE = 12;
    int ADDR_SIZE = 18;
    /** More endpoints than this in one call-me-maybe is not a real host. */
    int MAX_ENDPOINTS = 32;

    record Ping(byte[] txid, PublicKey nodeKey) implements DiscoMessage {}

    record Pong(byte[] txid, InetSocketAddress observed) implements DiscoMessage {}

    record CallMeMaybe(List<InetSocketAddress> endpoints) implements DiscoMessage {}

    static byte[] encode(DiscoMessage m) {
        ByteBuffer b;
        switch (m) {
            case Ping p -> {
                b = ByteBuffer.allocate(2 + TXID_SIZE + 32).put((byte) TYPE_PING).put((byte) VERSION);
                b.put(p.txid()).put(p.nodeKey().bytes());
            }
            case Pong p -> {
                b = ByteBuffer.allocate(2 + TXID_SIZE + ADDR_SIZE).put((byte) TYPE_PONG).put((byte) VERSION);
                b.put(p.txid());
                putAddr(b, p.observed());
            }
            case CallMeMaybe c -> {
                b = ByteBuffer.allocate(2 + ADDR_SIZE * c.endpoints().size()).put((byte) TYPE_CALL_ME_MAYBE).put((byte) VERSION);
                c.endpoints().forEach(e -> putAddr(b, e));
            }
        }
        return b.array();
    }

    /** Parses a message, or returns null when it is malformed (the caller counts it). */
    static DiscoMessage decode(byte[] data) {
        if (data.length < 2) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        int type = b.get() & 0xff;
        b.get(); // version: newer peers may add fields after ours
        try {
            switch (type) {
                case TYPE_PING -> {
                    if (b.remaining() < TXID_SIZE + 32) {
                        return null;
                    }
                    byte[] txid = new byte[TXID_SIZE];
                    byte[] key = new byte[32];
                    b.get(txid).get(key);
                    return new Ping(txid, new PublicKey(key));
                }
                case TYPE_PONG -> {
                    if (b.remaining() < TXID_SIZE + ADDR_SIZE) {
                        return null;
                    }
                    byte[] txid = new byte[TXID_SIZE];
                    b.get(txid);
                    return new Pong(txid, getAddr(b));
                }
                case TYPE_CALL_ME_MAYBE -> {
                    if (b.remaining() % ADDR_SIZE != 0 || b.remaining() / ADDR_SIZE > MAX_ENDPOINTS) {
                        return null;
                    }
                    List<InetSocketAddress> eps = new ArrayList<>();
                    while (b.hasRemaining()) {
                        eps.add(getAddr(b));
                    }
                    return new CallMeMaybe(eps);
                }
                default -> {
                    return null;
                }
            }
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static void putAddr(ByteBuffer b, InetSocketAddress a) {
        byte[] ip = a.getAddress().getAddress();
        if (ip.length == 4) {
            b.put(new byte[10]).put((byte) 0xff).put((byte) 0xff).put(ip);
        } else {
            b.put(ip);
        }
        b.putShort((short) a.getPort());
    }

    private static InetSocketAddress getAddr(ByteBuffer b) throws UnknownHostException {
        byte[] ip = new byte[16];
        b.get(ip);
        int port = b.getShort() & 0xffff;
        InetAddress a = InetAddress.getByAddress(ip); // the JDK turns ::ffff:a.b.c.d into an Inet4Address
        if (!(a instanceof Inet4Address) && a.isAnyLocalAddress() || port == 0) {
            throw new UnknownHostException("unspecified address");
        }
        return new InetSocketAddress(a, port);
    }
}
