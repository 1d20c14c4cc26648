package dev.tsj.daemon.demo;

import dev.tsj.crypto.PrivateKey;
import dev.tsj.daemon.wg.Clock;
import dev.tsj.daemon.wg.Device;
import dev.tsj.daemon.wg.Peer;
import dev.tsj.daemon.wg.Prefix;
import dev.tsj.tun.MemoryPacketDevice;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Two WireGuard devices in this process, joined over real UDP on 127.0.0.1 with in-memory
 * packet devices: generates keys, handshakes, pings across the tunnel and reports what a
 * user would want to see. Needs no root, no TUN and no server.
 */
public final class LoopbackDemo {
    private LoopbackDemo() {}

    public static int run(PrintStream out, int pings) throws Exception {
        PrivateKey ka = PrivateKey.generate();
        PrivateKey kb = PrivateKey.generate();
        InetAddress ipA = InetAddress.getByName("100.64.0.1");
        InetAddress ipB = InetAddress.getByName("100.64.0.2");
        try (MemoryPacketDevice tunA = new MemoryPacketDevice("demo-a", 1420, 1024, 64);
             MemoryPacketDevice tunB = new MemoryPacketDevice("demo-b", 1420, 1024, 64);
             Device a = new Device(tunA, Clock.SYSTEM);
             Device b = new Device(tunB, Clock.SYSTEM)) {
            a.setPrivateKey(ka);
            b.setPrivateKey(kb);
            a.listen(0);
            b.listen(0);
            a.start(false);
            b.start(false);
            Peer pb = a.addPeer(kb.publicKey());
            pb.setEndpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.listenPort()));
            a.allowedIps().insert(Prefix.host(ipB), pb);
            Peer pa = b.addPeer(ka.publicKey());
            pa.setEndpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), a.listenPort()));
            b.allowedIps().insert(Prefix.host(ipA), pa);
            out.printf("node a: %s  public key %s  udp 127.0.0.1:%d%n", ipA.getHostAddress(), ka.publicKey(), a.listenPort());
            out.printf("node b: %s  public key %s  udp 127.0.0.1:%d%n", ipB.getHostAddress(), kb.publicKey(), b.listenPort());
            int answered = 0;
            for (int seq = 1; seq <= pings; seq++) {
                long t0 = System.nanoTime();
                tunA.inject(echo(ipA, ipB, seq, 8));
                byte[] request = tunB.takeWritten(Duration.ofSeconds(5));
                if (request == null) {
                    out.printf("ping %s seq=%d: timeout%n", ipB.getHostAddress(), seq);
                    continue;
                }
                tunB.inject(echo(ipB, ipA, seq, 0)); // b's "kernel" answers the echo request
                byte[] reply = tunA.takeWritten(Duration.ofSeconds(5));
                double ms = (System.nanoTime() - t0) / 1e6;
                if (reply != null) {
                    answered++;
                    out.printf("%d bytes from %s: icmp_seq=%d time=%.2f ms%n", reply.length, ipB.getHostAddress(), seq, ms);
                }
            }
            out.printf("handshake: %s; a sent %d bytes, received %d bytes%n",
                    pb.lastHandshake() != null ? "completed" : "none", pb.txBytes(), pb.rxBytes());
            out.printf("%d of %d pings answered through the tunnel%n", answered, pings);
            return answered == pings ? 0 : 1;
        }
    }

    /** An ICMP echo request (type 8) or reply (type 0) in IPv4. */
    static byte[] echo(InetAddress src, InetAddress dst, int seq, int type) {
        ByteBuffer p = ByteBuffer.allocate(20 + 8 + 56);
        p.put(0, (byte) 0x45).putShort(2, (short) p.capacity()).put(8, (byte) 64).put(9, (byte) 1);
        p.put(12, src.getAddress()).put(16, dst.getAddress());
        p.putShort(10, (short) checksum(p.array(), 0, 20));
        p.put(20, (byte) type).putShort(24, (short) 0x7473).putShort(26, (short) seq);
        p.putShort(22, (short) checksum(p.array(), 20, p.capacity() - 20));
        return p.array();
    }

    static int checksum(byte[] b, int off, int len) {
        long sum = 0;
        for (int i = 0; i + 1 < len; i += 2) {
            sum += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        }
        if ((len & 1) != 0) {
            sum += (b[off + len - 1] & 0xff) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
