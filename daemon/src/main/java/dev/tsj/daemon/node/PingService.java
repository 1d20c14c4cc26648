package dev.tsj.daemon.node;

import dev.tsj.daemon.wg.Device;
import dev.tsj.daemon.wg.InboundTap;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code tsj ping} in TUN mode: the daemon sends ICMP (or ICMPv6) echo requests through
 * the tunnel from its own tailnet address and takes the replies off the receive path, so
 * the round trip measured is WireGuard's, host-independent.
 */
final class PingService implements InboundTap {
    private final Device device;
    private final int id = new SecureRandom().nextInt(1 << 16);
    private final AtomicInteger seq = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Long>> pending = new ConcurrentHashMap<>();

    PingService(Device device) {
        this.device = device;
    }

    /**
     * One echo request from {@code src} to {@code dst}; returns the round trip in
     * nanoseconds, or throws TimeoutException.
     */
    long ping(InetAddress src, InetAddress dst, long timeoutMillis) throws TimeoutException, InterruptedException {
        int s = seq.incrementAndGet() & 0xffff;
        CompletableFuture<Long> f = new CompletableFuture<>();
        pending.put(s, f);
        try {
            long t0 = System.nanoTime();
            if (!device.sendLocal(echoRequest(src, dst, id, s))) {
                throw new TimeoutException("no peer routes " + dst.getHostAddress());
            }
            long t1 = f.get(timeoutMillis, TimeUnit.MILLISECONDS);
            return t1 - t0;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new TimeoutException(e.getMessage());
        } finally {
            pending.remove(s);
        }
    }

    @Override
    public boolean consume(ByteBuffer b, int off, int len) {
        int v = (b.get(off) & 0xff) >>> 4;
        int icmp;
        if (v == 4 && b.get(off + 9) == 1) {
            icmp = off + (b.get(off) & 0x0f) * 4;
            if (len < icmp - off + 8 || b.get(icmp) != 0) {
                return false;
            }
        } else if (v == 6 && b.get(off + 6) == 58) {
            icmp = off + 40;
            if (len < 48 || (b.get(icmp) & 0xff) != 129) {
                return false;
            }
        } else {
            return false;
        }
        if ((b.getShort(icmp + 4) & 0xffff) != id) {
            return false;
        }
        CompletableFuture<Long> f = pending.get(b.getShort(icmp + 6) & 0xffff);
        if (f != null) {
            f.complete(System.nanoTime());
        }
        return true;
    }

    static byte[] echoRequest(InetAddress src, InetAddress dst, int id, int seq) {
        int payload = 56;
        if (src instanceof Inet6Address) {
            ByteBuffer p = ByteBuffer.allocate(40 + 8 + payload);
            p.put(0, (byte) 0x60).putShort(4, (short) (8 + payload)).put(6, (byte) 58).put(7, (byte) 64);
            p.put(8, src.getAddress()).put(24, dst.getAddress());
            p.put(40, (byte) 128).putShort(44, (short) id).putShort(46, (short) seq);
            // ICMPv6 checksum covers a pseudo-header: addresses, length, next header.
            long sum = sum(p.array(), 8, 32) + (8 + payload) + 58 + sum(p.array(), 40, 8 + payload);
            p.putShort(42, (short) fold(sum));
            return p.array();
        }
        ByteBuffer p = ByteBuffer.allocate(20 + 8 + payload);
        p.put(0, (byte) 0x45).putShort(2, (short) p.capacity()).put(8, (byte) 64).put(9, (byte) 1);
        p.put(12, src.getAddress()).put(16, dst.getAddress());
        p.putShort(10, (short) fold(sum(p.array(), 0, 20)));
        p.put(20, (byte) 8).putShort(24, (short) id).putShort(26, (short) seq);
        p.putShort(22, (short) fold(sum(p.array(), 20, 8 + payload)));
        return p.array();
    }

    private static long sum(byte[] b, int off, int len) {
        long s = 0;
        for (int i = 0; i + 1 < len; i += 2) {
            s += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        }
        if ((len & 1) != 0) {
            s += (b[off + len - 1] & 0xff) << 8;
        }
        return s;
    }

    private static int fold(long s) {
        while ((s >> 16) != 0) {
            s = (s & 0xffff) + (s >> 16);
        }
        return (int) (~s & 0xffff);
    }
}
