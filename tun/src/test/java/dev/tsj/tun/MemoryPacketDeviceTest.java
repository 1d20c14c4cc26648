package dev.tsj.tun;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MemoryPacketDeviceTest {
    private static final int OFFSET = 16;

    private static ByteBuffer[] buffers(int n, int size) {
        ByteBuffer[] bufs = new ByteBuffer[n];
        for (int i = 0; i < n; i++) bufs[i] = ByteBuffer.allocateDirect(size);
        return bufs;
    }

    private static byte[] packet(int len, int fill) {
        byte[] p = new byte[len];
        java.util.Arrays.fill(p, (byte) fill);
        return p;
    }

    @Test
    void injectedPacketsAreReadInOrderAtTheOffsetInBatches() throws Exception {
        try (var dev = new MemoryPacketDevice("mem-t", 1420, 16, 4)) {
            for (int i = 1; i <= 6; i++) dev.inject(packet(20 + i, i));
            ByteBuffer[] bufs = buffers(8, OFFSET + 1420);
            int[] sizes = new int[8];
            assertEquals(4, dev.read(bufs, sizes, OFFSET), "batch size caps one read");
            for (int i = 0; i < 4; i++) {
                assertEquals(21 + i, sizes[i]);
                assertEquals((byte) (i + 1), bufs[i].get(OFFSET));
                assertEquals((byte) 0, bufs[i].get(OFFSET - 1), "headroom untouched");
                assertEquals(0, bufs[i].position(), "position unchanged");
            }
            assertEquals(2, dev.read(bufs, sizes, OFFSET), "a read returns what is there without waiting for a full batch");
            assertEquals((byte) 6, bufs[1].get(OFFSET));
        }
    }

    @Test
    void writtenPacketsAreCollectedAsCopies() throws Exception {
        try (var dev = new MemoryPacketDevice()) {
            ByteBuffer[] bufs = buffers(3, OFFSET + 1420);
            int[] sizes = {40, 60, 80};
            for (int i = 0; i < 3; i++) bufs[i].put(OFFSET, packet(sizes[i], 0x40 + i));
            assertEquals(3, dev.write(bufs, sizes, OFFSET, 3));
            bufs[0].put(OFFSET, (byte) 0); // the caller reuses its buffer right away
            byte[] first = dev.takeWritten(Duration.ofSeconds(1));
            assertArrayEquals(packet(40, 0x40), first);
            assertEquals(2, dev.drainWritten().size());
            assertNull(dev.pollWritten());
        }
    }

    @Test
    void malformedWritesAreDroppedAndFullQueueCountsDrops() throws Exception {
        try (var dev = new MemoryPacketDevice("mem-t", 100, 2, 8)) {
            ByteBuffer[] bufs = buffers(4, OFFSET + 200);
            int[] sizes = {0, 150, 50, 50};
            assertEquals(2, dev.write(bufs, sizes, OFFSET, 4), "empty and over-MTU packets are dropped");
            sizes = new int[] {10};
            assertEquals(0, dev.write(bufs, sizes, OFFSET, 1), "queue full");
            assertEquals(1, dev.droppedWrites());
        }
    }

    @Test
    void injectRejectsOversizedPackets() {
        try (var dev = new MemoryPacketDevice("mem-t", 100, 2, 8)) {
            var e = assertThrows(IllegalArgumentException.class, () -> dev.inject(new byte[101]));
            assertTrue(e.getMessage().contains("MTU 100"), e.getMessage());
        }
    }

    @Test
    void closeWakesABlockedReader() throws Exception {
        var dev = new MemoryPacketDevice();
        ByteBuffer[] bufs = buffers(1, 1500);
        int[] sizes = new int[1];
        CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return dev.read(bufs, sizes, 0);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(50); // give the reader a chance to block; the test holds either way
        dev.close();
        var e = assertThrows(ExecutionException.class, () -> reader.get(5, TimeUnit.SECONDS));
        assertInstanceOf(ClosedChannelException.class, e.getCause().getCause());
        assertThrows(ClosedChannelException.class, () -> dev.read(bufs, sizes, 0));
        assertThrows(ClosedChannelException.class, () -> dev.write(bufs, new int[] {1}, 0, 1));
        assertThrows(ClosedChannelException.class, () -> dev.inject(new byte[1]));
    }

    @Test
    void packetsWrittenBeforeCloseStayCollectable() throws Exception {
        var dev = new MemoryPacketDevice();
        ByteBuffer[] bufs = buffers(1, 100);
        dev.write(bufs, new int[] {20}, 0, 1);
        dev.close();
        assertNotNull(dev.takeWritten(Duration.ofMillis(10)));
        assertNull(dev.takeWritten(Duration.ofMillis(10)));
    }

    @Test
    void injectWaitsForRoomUntilAReaderDrains() throws Exception {
        try (var dev = new MemoryPacketDevice("mem-t", 100, 1, 1)) {
            dev.inject(new byte[10]);
            assertFalse(dev.tryInject(new byte[10]));
            CompletableFuture<Void> injector = CompletableFuture.runAsync(() -> {
                try {
                    dev.inject(new byte[11]);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            ByteBuffer[] bufs = buffers(1, 100);
            int[] sizes = new int[1];
            dev.read(bufs, sizes, 0);
            injector.get(5, TimeUnit.SECONDS);
            dev.read(bufs, sizes, 0);
            assertEquals(11, sizes[0]);
        }
    }

    @Test
    void readIntoTooSmallBufferIsAnError() throws Exception {
        try (var dev = new MemoryPacketDevice()) {
            dev.inject(new byte[100]);
            var e = assertThrows(java.io.IOException.class, () -> dev.read(buffers(1, 50), new int[1], 0));
            assertTrue(e.getMessage().contains("packet is 100"), e.getMessage());
        }
    }
}
