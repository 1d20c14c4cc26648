package dev.tsj.tun.linux;

import static dev.tsj.tun.linux.TunAbi.*;

import dev.tsj.tun.PacketDevice;
import dev.tsj.tun.offload.GroCoalescer;
import dev.tsj.tun.offload.GsoSplitter;
import dev.tsj.tun.offload.VirtioNetHdr;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Linux TUN interface ({@code /dev/net/tun}, {@code IFF_TUN | IFF_NO_PI}) as a
 * {@link PacketDevice}, through JNA.
 *
 * <p>With offloads on, the TUN is opened with {@code IFF_VNET_HDR} and asked for TSO/USO
 * ({@link TunOffloads} says what the kernel took). Then one read may bring a 64 KiB TCP or
 * UDP super-packet, which {@link GsoSplitter} cuts into MTU-sized packets, and writes go
 * through {@link GroCoalescer}, which gathers in-order segments of a flow into one
 * super-packet per {@code writev}. Callers see ordinary IP packets either way.
 *
 * <p>The descriptor is non-blocking: a reader waits in {@code poll} on it and on an eventfd
 * that {@link #close()} signals, so a blocked {@link #read} ends with
 * {@link ClosedChannelException} at once. The descriptors are closed (and the interface
 * disappears) when the last read or write in flight has left.
 *
 * <p>Threading: one reader and one writer at a time (they may run concurrently); read and
 * write each own their scratch memory. Buffers passed in should be direct (heap buffers work
 * through a copy); each needs room for {@code offset + mtu} bytes.
 */
public final class LinuxTun implements PacketDevice {
    public static final int DEFAULT_MTU = 1420;
    /** Most packets per read or write call; a 64 KiB super-packet of small segments fits. */
    public static final int BATCH_SIZE = 128;

    private static final int MAX_IP = 65535;
    private static final int READ_SCRATCH = VirtioNetHdr.LEN + MAX_IP;
    private static final int POLL_TIMEOUT_MILLIS = 1000;
    private static final int CLOSED = 1 << 30;
    private static final int MAX_NAME = IFNAMSIZ - 1;

    private final int fd;
    private final int wakeFd;
    private final String name;
    private final int mtu;
    private final TunOffloads offloads;
    /** {@link #CLOSED} bit plus the number of reads and writes in flight. */
    private final AtomicInteger state = new AtomicInteger();
    private final CountDownLatch released = new CountDownLatch(1);

    // Reader-owned.
    private final ByteBuffer readScratch;
    private final long readScratchAddress;
    private final ByteBuffer pollFds;
    private final long pollFdsAddress;
    private final GsoSplitter splitter = new GsoSplitter();
    private long malformedReads;

    // Writer-owned.
    private final GroCoalescer coalescer;
    private final ByteBuffer iov;
    private final long iovAddress;
    private final ByteBuffer headerSlot;
    private final long headerSlotAddress;
    private final ByteBuffer writeScratch;
    private final long writeScratchAddress;
    private final ByteBuffer[] chunkBufs = new ByteBuffer[BATCH_SIZE];
    private final int[] chunkSizes = new int[BATCH_SIZE];

    // Single-writer counters, published per call.
    private volatile long packetsRead;
    private volatile long superPacketsRead;
    private volatile long readsDropped;
    private volatile long packetsWritten;
    private volatile long superPacketsWritten;
    private volatile long writesDropped;

    private LinuxTun(int fd, int wakeFd, String name, int mtu, TunOffloads offloads) {
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.name = name;
        this.mtu = mtu;
        this.offloads = offloads;
        readScratch = ByteBuffer.allocateDirect(READ_SCRATCH);
        readScratchAddress = LibC.address(readScratch);
        pollFds = ByteBuffer.allocateDirect(2 * POLLFD_SIZE).order(ByteOrder.nativeOrder());
        pollFds.putInt(0, fd).putShort(POLLFD_EVENTS, POLLIN);
        pollFds.putInt(POLLFD_SIZE, wakeFd).putShort(POLLFD_SIZE + POLLFD_EVENTS, POLLIN);
        pollFdsAddress = LibC.address(pollFds);
        coalescer = new GroCoalescer(BATCH_SIZE, offloads.uso());
        iov = ByteBuffer.allocateDirect((GroCoalescer.MAX_SEGMENTS + 1) * IOVEC_SIZE).order(ByteOrder.nativeOrder());
        iovAddress = LibC.address(iov);
        headerSlot = ByteBuffer.allocateDirect(VirtioNetHdr.LEN);
        headerSlotAddress = LibC.address(headerSlot);
        writeScratch = ByteBuffer.allocateDirect(VirtioNetHdr.LEN + MAX_IP);
        writeScratchAddress = LibC.address(writeScratch);
    }

    /** Opens a TUN named {@code name} (a pattern like {@code tsj%d} works) with offloads on. */
    public static LinuxTun open(String name, int mtu) throws IOException {
        return open(name, mtu, true);
    }

    /**
     * Opens (creating it if needed) the TUN interface {@code name} and sets its MTU. With
     * {@code offloads}, asks for the virtio-net header and TSO/USO, falling back to fewer
     * offloads or none when the kernel refuses. The interface is left down, without addresses:
     * see {@link dev.tsj.tun.link.LinkConfigurator}.
     *
     * @throws TunUnavailableException when TUN cannot be used here (missing device, no
     *     permission); its message is meant for the user
     */
    public static LinuxTun open(String name, int mtu, boolean offloads) throws IOException {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME || !name.chars().allMatch(c -> c > ' ' && c < 127 && c != '/')) {
            throw new IllegalArgumentException("interface name '" + name + "' must be 1 to " + MAX_NAME + " printable ASCII characters without '/'");
        }
        if (mtu < 576 || mtu > MAX_IP) throw new IllegalArgumentException("MTU " + mtu + " is not between 576 and " + MAX_IP);
        int fd = openCloneDevice();
        try {
            ByteBuffer ifr = ByteBuffer.allocateDirect(IFREQ_SIZE).order(ByteOrder.nativeOrder());
            boolean vnet = false;
            if (offloads) {
                if (setIff(fd, ifr, name, IFF_TUN | IFF_NO_PI | IFF_VNET_HDR) == 0) vnet = true;
                else if (LibC.errno() != Errno.EINVAL) throw createError(name, LibC.errno());
            }
            if (!vnet && setIff(fd, ifr, name, IFF_TUN | IFF_NO_PI) != 0) throw createError(name, LibC.errno());
            String actual = ifreqName(ifr);
            TunOffloads negotiated = vnet
                    ? OffloadNegotiation.negotiate(flags -> LibC.ioctl(fd, TUNSETOFFLOAD, flags) == 0)
                    : TunOffloads.NONE;
            setMtu(actual, mtu);
            int wake = LibC.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
            if (wake < 0) throw new IOException("creating an eventfd for TUN " + actual + ": " + LibC.describe(LibC.errno()));
            return new LinuxTun(fd, wake, actual, mtu, negotiated);
        } catch (IOException | RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
    }

    /** What the kernel agreed to. */
    public TunOffloads offloads() {
        return offloads;
    }

    public TunStats stats() {
        return new TunStats(packetsRead, superPacketsRead, readsDropped, packetsWritten, superPacketsWritten, writesDropped);
    }

    @Override
    public int batchSize() {
        return BATCH_SIZE;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public String name() {
        return name;
    }

    // ---- read ----

    @Override
    public int read(ByteBuffer[] bufs, int[] sizes, int offset) throws IOException {
        enter();
        try {
            int max = Math.min(Math.min(bufs.length, sizes.length), BATCH_SIZE);
            if (max == 0) throw new IllegalArgumentException("read needs at least one buffer");
            int n = 0;
            long superPackets = 0;
            long dropped = 0;
            if (splitter.remaining() > 0) n = splitter.emit(bufs, sizes, 0, max, offset);
            // Keep reading while there is room and the kernel has packets; wait only for the first.
            while (n < max && splitter.remaining() == 0) {
                if (offloads.vnetHdr()) {
                    long got = LibC.read(fd, readScratchAddress, READ_SCRATCH);
                    if (got < 0) {
                        if (handleReadError(n)) break;
                        continue;
                    }
                    if (!splitter.load(readScratch, 0, (int) got)) {
                        dropped++;
                        continue;
                    }
                    if (splitter.remaining() > 1) superPackets++;
                    n += splitter.emit(bufs, sizes, n, max, offset);
                } else {
                    int got = readPlain(bufs[n], offset);
                    if (got < 0) {
                        if (handleReadError(n)) break;
                        continue;
                    }
                    sizes[n++] = got;
                }
            }
            packetsRead += n;
            if (superPackets > 0) superPacketsRead += superPackets;
            if (dropped > 0) malformedReads += dropped;
            long drops = malformedReads + splitter.droppedSegments();
            if (drops != readsDropped) readsDropped = drops;
            return n;
        } finally {
            exit();
        }
    }

    /** Reads one packet straight into the caller's buffer; -1 when the read failed (errno set). */
    private int readPlain(ByteBuffer buf, int offset) {
        int room = buf.capacity() - offset;
        if (buf.isDirect()) return (int) LibC.read(fd, LibC.address(buf) + offset, room);
        long got = LibC.read(fd, readScratchAddress, READ_SCRATCH);
        if (got < 0) return -1;
        int len = (int) Math.min(got, room);
        buf.put(offset, readScratch, 0, len);
        return len;
    }

    /**
     * Deals with a failed read: returns true to stop reading (packets already in hand), false
     * to try again (after waiting, when there was nothing to read); throws when the device
     * is gone.
     */
    private boolean handleReadError(int inHand) throws IOException {
        int errno = LibC.errno();
        switch (errno) {
            case Errno.EAGAIN -> {
                if (inHand > 0) return true;
                awaitReadable();
                return false;
            }
            case Errno.EINTR -> {
                return false;
            }
            default -> {
                if (state.get() >= CLOSED) throw new ClosedChannelException();
                if (inHand > 0) return true; // report the error on the next call
                if (errno == Errno.EBADFD) throw new IOException("TUN " + name + " was removed from under this process");
                throw new IOException("reading from TUN " + name + ": " + LibC.describe(errno));
            }
        }
    }

    private void awaitReadable() throws IOException {
        while (true) {
            if (state.get() >= CLOSED) throw new ClosedChannelException();
            pollFds.putShort(POLLFD_REVENTS, (short) 0).putShort(POLLFD_SIZE + POLLFD_REVENTS, (short) 0);
            int ready = LibC.poll(pollFdsAddress, 2, POLL_TIMEOUT_MILLIS);
            if (state.get() >= CLOSED) throw new ClosedChannelException();
            if (Thread.currentThread().isInterrupted()) throw new InterruptedIOException("interrupted while reading TUN " + name);
            if (ready > 0 && pollFds.getShort(POLLFD_REVENTS) != 0) return; // readable, or an error read() will report
            if (ready < 0 && LibC.errno() != Errno.EINTR) {
                throw new IOException("waiting on TUN " + name + ": " + LibC.describe(LibC.errno()));
            }
        }
    }

    // ---- write ----

    @Override
    public int write(ByteBuffer[] bufs, int[] sizes, int offset, int count) throws IOException {
        enter();
        try {
            if (!offloads.vnetHdr()) return writePlain(bufs, sizes, offset, count);
            int accepted = 0;
            for (int from = 0; from < count; from += BATCH_SIZE) {
                int n = Math.min(BATCH_SIZE, count - from);
                if (from == 0 && n == count) {
                    accepted += writeCoalesced(bufs, sizes, offset, n);
                } else {
                    System.arraycopy(bufs, from, chunkBufs, 0, n);
                    System.arraycopy(sizes, from, chunkSizes, 0, n);
                    accepted += writeCoalesced(chunkBufs, chunkSizes, offset, n);
                    java.util.Arrays.fill(chunkBufs, null); // do not keep the caller's buffers
                }
            }
            return accepted;
        } finally {
            exit();
        }
    }

    private int writePlain(ByteBuffer[] bufs, int[] sizes, int offset, int count) throws IOException {
        int accepted = 0;
        for (int i = 0; i < count; i++) {
            ByteBuffer b = bufs[i];
            int size = sizes[i];
            if (size < 1 || size > MAX_IP || offset + size > b.capacity()) continue;
            long address;
            if (b.isDirect()) {
                address = LibC.address(b) + offset;
            } else {
                writeScratch.put(0, b, offset, size);
                address = writeScratchAddress;
            }
            if (LibC.write(fd, address, size) >= 0) accepted++;
            else writeFailed();
        }
        packetsWritten += accepted;
        return accepted;
    }

    private int writeCoalesced(ByteBuffer[] bufs, int[] sizes, int offset, int count) throws IOException {
        int writes = coalescer.plan(bufs, sizes, offset, count);
        int accepted = 0;
        long supers = 0;
        for (int w = 0; w < writes; w++) {
            int members = coalescer.memberCount(w);
            long result = allDirect(bufs, w) ? writeGathered(bufs, offset, w) : writeCopied(bufs, offset, w);
            if (result >= 0) {
                accepted += members;
                if (members > 1) supers++;
            } else {
                writeFailed();
            }
        }
        packetsWritten += accepted;
        if (supers > 0) superPacketsWritten += supers;
        return accepted;
    }

    private boolean allDirect(ByteBuffer[] bufs, int w) {
        for (int p = coalescer.firstPacket(w); p >= 0; p = coalescer.nextPacket(p)) {
            if (!bufs[p].isDirect()) return false;
        }
        return true;
    }

    /** One writev: the virtio header, the first packet whole, then the payload of each other member. */
    private long writeGathered(ByteBuffer[] bufs, int offset, int w) {
        coalescer.putVirtioHeader(w, headerSlot, 0);
        iov.putLong(0, headerSlotAddress).putLong(8, VirtioNetHdr.LEN);
        int entries = 1;
        for (int p = coalescer.firstPacket(w); p >= 0; p = coalescer.nextPacket(p)) {
            int start = coalescer.contributionStart(w, p);
            int at = entries * IOVEC_SIZE;
            iov.putLong(at, LibC.address(bufs[p]) + offset + start).putLong(at + 8, coalescer.packetSize(p) - start);
            entries++;
        }
        return LibC.writev(fd, iovAddress, entries);
    }

    private long writeCopied(ByteBuffer[] bufs, int offset, int w) {
        int len = coalescer.copyWrite(w, bufs, offset, writeScratch, 0);
        return LibC.write(fd, writeScratchAddress, len);
    }

    /** A refused write: dropped, as a congested or down interface drops; only a vanished device is an error. */
    private void writeFailed() throws IOException {
        int errno = LibC.errno();
        if (state.get() >= CLOSED) throw new ClosedChannelException();
        if (errno == Errno.EBADF || errno == Errno.EBADFD) {
            throw new IOException("writing to TUN " + name + ": " + LibC.describe(errno));
        }
        writesDropped++;
    }

    // ---- lifecycle ----

    /**
     * Closes the device: a blocked reader returns {@link ClosedChannelException} promptly, later
     * calls throw it, and the interface is removed once reads and writes in flight have left
     * (this waits for that, briefly).
     */
    @Override
    public void close() throws IOException {
        int before = state.getAndUpdate(s -> s | CLOSED);
        if (before >= CLOSED) return;
        ByteBuffer one = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()).putLong(0, 1);
        LibC.write(wakeFd, LibC.address(one), 8);
        if (before == 0) release();
        try {
            released.await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void enter() throws ClosedChannelException {
        while (true) {
            int s = state.get();
            if (s >= CLOSED) throw new ClosedChannelException();
            if (state.compareAndSet(s, s + 1)) return;
        }
    }

    private void exit() {
        if (state.decrementAndGet() == CLOSED) release();
    }

    private void release() {
        LibC.close(fd);
        LibC.close(wakeFd);
        released.countDown();
    }

    // ---- opening ----

    private static int openCloneDevice() throws TunUnavailableException {
        int fd;
        try {
            fd = LibC.open(CLONE_DEVICE, O_RDWR | O_NONBLOCK | O_CLOEXEC);
        } catch (LinkageError e) {
            throw new TunUnavailableException("cannot use TUN: native access through JNA failed to load (" + e.getMessage()
                    + "); run with --tun=userspace-networking");
        }
        if (fd >= 0) return fd;
        int errno = LibC.errno();
        throw new TunUnavailableException(switch (errno) {
            case Errno.ENOENT, Errno.ENODEV, Errno.ENXIO -> "cannot use TUN: " + CLONE_DEVICE
                    + " is missing (load the tun kernel module, or start the container with --device /dev/net/tun),"
                    + " or run with --tun=userspace-networking";
            case Errno.EACCES, Errno.EPERM -> "cannot use TUN: permission denied opening " + CLONE_DEVICE
                    + " (run as root or with CAP_NET_ADMIN), or run with --tun=userspace-networking";
            default -> "cannot use TUN: opening " + CLONE_DEVICE + " failed: " + LibC.describe(errno)
                    + "; run with --tun=userspace-networking";
        });
    }

    private static IOException createError(String name, int errno) {
        return switch (errno) {
            case Errno.EPERM, Errno.EACCES -> new TunUnavailableException("cannot create TUN interface " + name
                    + ": permission denied (needs CAP_NET_ADMIN; a container needs --cap-add NET_ADMIN),"
                    + " or run with --tun=userspace-networking");
            case Errno.EBUSY -> new IOException("cannot create TUN interface " + name
                    + ": it exists and another process has it open; choose another interface name");
            case Errno.EINVAL -> new IOException("cannot create TUN interface " + name + ": " + LibC.describe(errno)
                    + "; an interface of another kind may already have that name");
            default -> new IOException("cannot create TUN interface " + name + ": " + LibC.describe(errno));
        };
    }

    private static int setIff(int fd, ByteBuffer ifr, String name, int flags) {
        putIfreqName(ifr, name);
        ifr.putShort(IFREQ_UNION, (short) flags);
        return LibC.ioctl(fd, TUNSETIFF, LibC.address(ifr));
    }

    private static void setMtu(String name, int mtu) throws IOException {
        int sock = LibC.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sock < 0) throw new IOException("setting MTU of " + name + ": socket: " + LibC.describe(LibC.errno()));
        try {
            ByteBuffer ifr = ByteBuffer.allocateDirect(IFREQ_SIZE).order(ByteOrder.nativeOrder());
            putIfreqName(ifr, name);
            ifr.putInt(IFREQ_UNION, mtu);
            if (LibC.ioctl(sock, SIOCSIFMTU, LibC.address(ifr)) != 0) {
                throw new IOException("setting MTU of " + name + " to " + mtu + ": " + LibC.describe(LibC.errno()));
            }
        } finally {
            LibC.close(sock);
        }
    }

    private static void putIfreqName(ByteBuffer ifr, String name) {
        for (int i = 0; i < IFREQ_SIZE; i++) ifr.put(i, (byte) 0);
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        ifr.put(0, bytes);
    }

    private static String ifreqName(ByteBuffer ifr) {
        int len = 0;
        while (len < IFNAMSIZ && ifr.get(len) != 0) len++;
        byte[] bytes = new byte[len];
        ifr.get(0, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
