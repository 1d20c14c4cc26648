package dev.tsj.daemon.node;

import dev.tsj.tun.MemoryPacketDevice;
import java.nio.ByteBuffer;
import java.time.Duration;

/** Plays the host kernel behind an in-memory TUN: answers ICMP echo requests, as Linux would. */
final class EchoHost implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;

    EchoHost(MemoryPacketDevice tun) {
        thread = new Thread(() -> {
            while (running) {
                try {
                    byte[] p = tun.takeWritten(Duration.ofMillis(100));
                    if (p != null && p.length >= 28 && (p[0] >> 4) == 4 && p[9] == 1 && p[20] == 8) {
                        tun.inject(reply(p));
                    }
                } catch (Exception e) {
                    return;
                }
            }
        }, "echo-host");
        thread.setDaemon(true);
        thread.start();
    }

    static byte[] reply(byte[] req) {
        ByteBuffer b = ByteBuffer.wrap(req.clone());
        byte[] src = new byte[4];
        byte[] dst = new byte[4];
        b.get(12, src).get(16, dst);
        b.put(12, dst).put(16, src).put(20, (byte) 0).putShort(22, (short) 0);
        int ihl = (b.get(0) & 0x0f) * 4;
        long sum = 0;
        for (int i = ihl; i + 1 < req.length; i += 2) {
            sum += ((b.get(i) & 0xff) << 8) | (b.get(i + 1) & 0xff);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        b.putShort(ihl + 2, (short) ~sum);
        return b.array();
    }

    @Override
    public void close() {
        running = false;
    }
}
