package dev.tsj.tun.netstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The PacketDevice contract as the WireGuard device relies on it. */
class UserspaceNetDeviceTest {
    private static final int HEADROOM = 16;

    private static UserspaceNetDevice device() {
        return new UserspaceNetDevice(NetStackConfig.builder().addresses("100.64.0.2").build(),
                new io.netty.buffer.UnpooledByteBufAllocator(false, true));
    }

    /** An ICMP echo request from 100.64.0.1 to 100.64.0.2, written at {@code HEADROOM} into a buffer. */
    private static ByteBuffer echoRequest(int seq) {
        ByteBuf p = IpWriter.begin(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, SimNet.A4.hi(), SimNet.A4.lo(),
                SimNet.B4.hi(), SimNet.B4.lo(), Spec.IPPROTO_ICMP, 8 + 4, 1);
        p.writeByte(Spec.ICMP_ECHO).writeByte(0).writeShort(0).writeShort(77).writeShort(seq).writeInt(0xcafef00d);
        IpWriter.finishChecksum(p, SimNet.A4.hi(), SimNet.A4.lo(), SimNet.B4.hi(), SimNet.B4.lo(), Spec.IPPROTO_ICMP, 2);
        ByteBuffer b = ByteBuffer.allocate(HEADROOM + 1500);
        p.getBytes(0, b.array(), HEADROOM, p.readableBytes());
        ByteBuffer sized = b.duplicate();
        sized.limit(HEADROOM + p.readableBytes());
        p.release();
        return sized;
    }

    @Test
    void echoRequestsInRepliesOutAtTheOffsetWithBuffersUntouched() throws IOException {
        try (UserspaceNetDevice dev = device()) {
            ByteBuffer[] in = {echoRequest(1), echoRequest(2), echoRequest(3)};
            int[] inSizes = {in[0].limit() - HEADROOM, in[1].limit() - HEADROOM, in[2].limit() - HEADROOM};
            assertEquals(3, dev.write(in, inSizes, HEADROOM, 3));
            assertEquals(0, in[0].position(), "write leaves positions alone");

            ByteBuffer[] out = new ByteBuffer[dev.batchSize()];
            for (int i = 0; i < out.length; i++) out[i] = ByteBuffer.allocate(HEADROOM + dev.mtu());
            int[] sizes = new int[out.length];
            int got = 0;
            int[] seqs = new int[3];
            while (got < 3) {
                int n = dev.read(out, sizes, HEADROOM);
                assertTrue(n >= 1);
                for (int i = 0; i < n; i++) {
                    assertEquals(0, out[i].position(), "read leaves positions alone");
                    assertEquals(out[i].capacity(), out[i].limit());
                    assertEquals(32, sizes[i], "20-byte IP header + 12-byte ICMP echo reply");
                    assertEquals(0x45, out[i].get(HEADROOM) & 0xff);
                    assertEquals(Spec.ICMP_ECHOREPLY, out[i].get(HEADROOM + 20));
                    seqs[got++] = out[i].getShort(HEADROOM + 26);
                }
            }
            assertEquals(1, seqs[0]);
            assertEquals(3, seqs[2]);
            assertEquals("userspace-networking", dev.name());
            assertEquals(1280, dev.mtu());
        }
    }

    @Test
    void closeReleasesABlockedReaderAndFailsLaterCalls() throws Exception {
        UserspaceNetDevice dev = device();
        CompletableFuture<Throwable> reader = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                dev.read(new ByteBuffer[] {ByteBuffer.allocate(2000)}, new int[1], 0);
                reader.complete(null);
            } catch (IOException e) {
                reader.complete(e);
            }
        });
        Thread.sleep(100);
        dev.close();
        assertInstanceOf(ClosedChannelException.class, reader.get(5, TimeUnit.SECONDS));
        t.join();
        assertThrows(ClosedChannelException.class, () -> dev.write(new ByteBuffer[] {echoRequest(1)}, new int[] {32}, HEADROOM, 1));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> dev.stack().connect(new InetSocketAddress("100.64.0.1", 80), null).get(5, TimeUnit.SECONDS));
        assertInstanceOf(ConnectException.class, e.getCause());
        assertThrows(IOException.class, () -> dev.stack().bindUdp(null, 0, (ep, from, p) -> { }));
    }
}
