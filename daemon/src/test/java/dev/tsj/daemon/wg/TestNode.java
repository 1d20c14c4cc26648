package dev.tsj.daemon.wg;

import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.PublicKey;
import dev.tsj.tun.MemoryPacketDevice;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** One WireGuard device in the test JVM: a real UDP port on loopback, an in-memory TUN. */
final class TestNode implements AutoCloseable {
    final PrivateKey key;
    final InetAddress ip4;
    final InetAddress ip6;
    final MemoryPacketDevice tun;
    final Device device;

    TestNode(PrivateKey key, int hostNumber, Clock clock) throws IOException {
        this(key, hostNumber, clock, CryptoWorkers.configuredCount());
    }

    TestNode(PrivateKey key, int hostNumber, Clock clock, int cryptoWorkers) throws IOException {
        this.key = key;
        this.ip4 = TestPackets.ip("100.64.0." + hostNumber);
        this.ip6 = TestPackets.ip("fd7a:115c:a1e0::" + hostNumber);
        this.tun = new MemoryPacketDevice("mem" + hostNumber, 1420, 8192, 128);
        this.device = new Device(tun, clock, cryptoWorkers);
        device.setPrivateKey(key);
        device.listen(0);
        device.start(false);
    }

    PublicKey publicKey() {
        return key.publicKey();
    }

    InetSocketAddress endpoint() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), device.listenPort());
    }

    /** Makes {@code other} a peer of this node, reachable at {@code at}. */
    Peer connect(TestNode other, InetSocketAddress at) {
        Peer p = device.addPeer(other.publicKey());
        p.setEndpoint(at);
        device.allowedIps().insert(Prefix.host(other.ip4), p);
        device.allowedIps().insert(Prefix.host(other.ip6), p);
        return p;
    }

    @Override
    public void close() {
        device.close();
    }
}
