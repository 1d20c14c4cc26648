package dev.tsj.bench.tun;

import dev.tsj.tun.offload.GroCoalescer;
import dev.tsj.tun.offload.GsoSplitter;
import dev.tsj.tun.offload.InternetChecksum;
import dev.tsj.tun.offload.VirtioNetHdr;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * The TUN segmentation offloads per 64 KiB of TCP: splitting one TSO super-packet (as a
 * read with IFF_VNET_HDR hands it over) into MTU-sized segments with fresh checksums, and
 * planning the GRO coalescing of those segments back into one write (checksums verified,
 * headers rewritten) and gathering it into one buffer, as a write from heap buffers does.
 * Tunnel MTU 1420: 40 bytes of IPv4 and TCP headers leave an MSS of 1380, 48 segments.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OffloadBenchmark {
    private static final int MTU = 1420;
    private static final int MSS = MTU - 40;
    private static final int PAYLOAD = 65535 - 40;
    private static final int HEADROOM = 16;
    private static final int BATCH = 128;

    private final ByteBuffer superPacket = ByteBuffer.allocate(VirtioNetHdr.LEN + 65535);
    private int superLength;
    private final GsoSplitter splitter = new GsoSplitter();
    private final GroCoalescer coalescer = new GroCoalescer(BATCH, false);
    private final ByteBuffer[] bufs = new ByteBuffer[BATCH];
    private final int[] sizes = new int[BATCH];
    /** The split segments, pristine: coalescing rewrites headers, so each round restores them. */
    private final ByteBuffer[] segments = new ByteBuffer[BATCH];
    private final int[] segmentSizes = new int[BATCH];
    private int segmentCount;
    private final ByteBuffer gathered = ByteBuffer.allocate(VirtioNetHdr.LEN + 65535);

    @Setup
    public void setUp() {
        for (int i = 0; i < BATCH; i++) {
            bufs[i] = ByteBuffer.allocate(HEADROOM + MTU + 64);
            segments[i] = ByteBuffer.allocate(HEADROOM + MTU + 64);
        }
        superLength = buildTso4(superPacket);
        segmentCount = split();
        for (int i = 0; i < segmentCount; i++) {
            segments[i].put(0, bufs[i], 0, HEADROOM + sizes[i]);
            segmentSizes[i] = sizes[i];
        }
        if (segmentCount != (PAYLOAD + MSS - 1) / MSS || coalesce() != 1) {
            throw new IllegalStateException("expected one super-packet of " + segmentCount + " segments to round-trip");
        }
    }

    /** An IPv4 TCP super-packet of 65495 payload bytes behind its virtio-net header, as the kernel hands it over. */
    private static int buildTso4(ByteBuffer b) {
        int ip = VirtioNetHdr.LEN;
        int tcp = ip + 20;
        int total = 40 + PAYLOAD;
        VirtioNetHdr.put(b, 0, VirtioNetHdr.VIRTIO_NET_HDR_F_NEEDS_CSUM, VirtioNetHdr.VIRTIO_NET_HDR_GSO_TCPV4, 40, MSS, 20, 16);
        b.put(ip, (byte) 0x45).putShort(ip + 2, (short) total).putShort(ip + 4, (short) 7).put(ip + 6, (byte) 0x40)
                .put(ip + 8, (byte) 64).put(ip + 9, (byte) 6)
                .put(ip + 12, new byte[] {100, 64, 0, 1}).put(ip + 16, new byte[] {100, 64, 0, 2});
        b.putShort(ip + 10, (short) InternetChecksum.finish(InternetChecksum.add(0, b, ip, 20)));
        b.putShort(tcp, (short) 40000).putShort(tcp + 2, (short) 5201).putInt(tcp + 4, 1).putInt(tcp + 8, 77)
                .put(tcp + 12, (byte) 0x50).put(tcp + 13, (byte) 0x18).putShort(tcp + 14, (short) 501);
        for (int i = 0; i < PAYLOAD; i++) {
            b.put(tcp + 20 + i, (byte) (i * 31 + 7));
        }
        // The kernel leaves the pseudo-header sum in the checksum field (CHECKSUM_PARTIAL).
        long pseudo = InternetChecksum.pseudoHeader(b, ip, false, 6, total - 20);
        b.putShort(tcp + 16, (short) InternetChecksum.fold(pseudo));
        return VirtioNetHdr.LEN + total;
    }

    private int split() {
        if (!splitter.load(superPacket, 0, superLength)) {
            throw new IllegalStateException("splitter refused the super-packet");
        }
        int n = 0;
        while (splitter.remaining() > 0) {
            n += splitter.emit(bufs, sizes, n, BATCH, HEADROOM);
        }
        return n;
    }

    private int coalesce() {
        int writes = coalescer.plan(bufs, sizes, HEADROOM, segmentCount);
        int bytes = 0;
        for (int w = 0; w < writes; w++) {
            bytes += coalescer.copyWrite(w, bufs, HEADROOM, gathered, 0);
        }
        return writes + (bytes >>> 31);
    }

    /** One TSO super-packet read into MSS-sized segments, checksums recomputed. */
    @Benchmark
    public int tsoSplit64k() {
        return split();
    }

    /** 48 segments of one flow coalesced into one GRO write and gathered; includes restoring the 48 segments (memcpy). */
    @Benchmark
    public int groCoalesce64k() {
        for (int i = 0; i < segmentCount; i++) {
            bufs[i].put(0, segments[i], 0, HEADROOM + segmentSizes[i]);
            sizes[i] = segmentSizes[i];
        }
        return coalesce();
    }
}
