package dev.tsj.daemon.wg;

import static dev.tsj.daemon.wg.SocketCalls.*;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.logging.Logger;

/**
 * Sends a batch of datagrams from the calling thread with one {@code sendmmsg} on the
 * socket Netty reads from: no hand-over to the event loop, no per-packet objects. A run of
 * datagrams to one address, all of one size but the last, goes as one message with
 * {@code UDP_SEGMENT} (generic segmentation offload), so a TSO super-packet read from the
 * TUN leaves as one message the kernel cuts as late as it can.
 *
 * <p>Owned by one thread and reused: datagrams are copied into one direct staging buffer,
 * and the message headers, addresses and control messages live in another. When the socket
 * buffer is full the thread waits for room (as a blocking socket would); a datagram the
 * kernel refuses (no route, a firewall) is dropped and counted.
 */
final class DirectUdpBatch implements UdpBind.Batch {
    private static final Logger LOG = Logger.getLogger(DirectUdpBatch.class.getName());
    /** How long one wait for socket buffer room lasts before the close check runs again. */
    private static final int POLL_MILLIS = 100;

    private final int fd;
    private final boolean ipv6Socket;
    private final UdpSegmentation segmentation;
    private final SendGuard guard;
    private final DeviceCounters counters;
    private final int maxMessages;

    private final ByteBuffer data;
    private final long dataAddress;
    private final ByteBuffer meta;
    private final long metaAddress;
    private final long iovBase;
    private final long nameBase;
    private final long cmsgBase;
    private final long pollBase;

    // Runs: [start, bytes, segment size, segments], with their destination.
    private final int[] runStart;
    private final int[] runBytes;
    private final int[] runSegment;
    private final int[] runSegments;
    private final InetSocketAddress[] runTo;
    private int runs;
    private boolean lastRunClosed;
    private int used;

    private InetSocketAddress cachedTo;
    private final byte[] cachedName = new byte[SOCKADDR_SIZE];
    private int cachedNameLen;

    DirectUdpBatch(int fd, boolean ipv6Socket, UdpSegmentation segmentation, int maxMessages, int stagingBytes,
                   SendGuard guard, DeviceCounters counters) {
        this.fd = fd;
        this.ipv6Socket = ipv6Socket;
        this.segmentation = segmentation;
        this.guard = guard;
        this.counters = counters;
        this.maxMessages = maxMessages;
        data = ByteBuffer.allocateDirect(stagingBytes);
        dataAddress = address(data);
        int metaBytes = maxMessages * (MMSGHDR_SIZE + IOVEC_SIZE + 32 + CMSG_SPACE_U16) + 8;
        meta = ByteBuffer.allocateDirect(metaBytes).order(ByteOrder.nativeOrder());
        metaAddress = address(meta);
        iovBase = (long) maxMessages * MMSGHDR_SIZE;
        nameBase = iovBase + (long) maxMessages * IOVEC_SIZE;
        cmsgBase = nameBase + (long) maxMessages * 32;
        pollBase = cmsgBase + (long) maxMessages * CMSG_SPACE_U16;
        runStart = new int[maxMessages];
        runBytes = new int[maxMessages];
        runSegment = new int[maxMessages];
        runSegments = new int[maxMessages];
        runTo = new InetSocketAddress[maxMessages];
    }

    @Override
    public void expect(int packets) {
        // The staging buffer is sized for a whole read batch already.
    }

    @Override
    public void add(InetSocketAddress to, ByteBuffer src, int offset, int length) {
        if (used + length > data.capacity()) {
            send();
            if (length > data.capacity()) {
                counters.droppedSendFailed.increment();
                return;
            }
        }
        int r = runs - 1;
        boolean extend = r >= 0 && segmentation.enabled() && !lastRunClosed && runSegments[r] < UdpSegmentBatch.MAX_SEGMENTS
                && length <= runSegment[r] && runBytes[r] + length <= UdpSegmentBatch.MAX_GSO_BYTES && to.equals(runTo[r]);
        if (!extend) {
            if (runs == maxMessages) {
                send();
            }
            r = runs++;
            runStart[r] = used;
            runBytes[r] = 0;
            runSegment[r] = length;
            runSegments[r] = 0;
            runTo[r] = to;
        }
        data.put(used, src, offset, length);
        used += length;
        runBytes[r] += length;
        runSegments[r]++;
        lastRunClosed = length < runSegment[r];
    }

    @Override
    public int size() {
        return runs;
    }

    @Override
    public void send() {
        if (!guard.enter()) {
            clear(); // the socket is closing: nothing more goes out on its descriptor
            return;
        }
        try {
            sendRuns();
        } finally {
            guard.exit();
        }
    }

    private void sendRuns() {
        int first = 0;
        int count = 0;
        for (int r = 0; r < runs; r++) {
            if (header(r, count)) {
                count++;
            } else {
                counters.droppedSendFailed.increment();
            }
        }
        while (first < count && !guard.closed()) {
            int sent = sendmmsg(fd, metaAddress + (long) first * MMSGHDR_SIZE, count - first, 0);
            if (sent > 0) {
                first += sent;
                continue;
            }
            int errno = errno();
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == ENOBUFS) {
                awaitRoom();
                continue;
            }
            if ((errno == EIO || errno == EINVAL) && meta.getLong(first * MMSGHDR_SIZE + MSG_CONTROLLEN) != 0) {
                // A route or device that cannot segment: send what is left one datagram at a time.
                segmentation.disable(SocketCalls.strerror(errno));
                resendUnsegmented(first, count);
                break;
            }
            LOG.fine(() -> "udp send: " + SocketCalls.strerror(errno));
            counters.droppedSendFailed.increment();
            first++; // sendmmsg reports an error for the first message only: skip it
        }
        clear();
    }

    private void clear() {
        for (int r = 0; r < runs; r++) {
            runTo[r] = null;
        }
        runs = 0;
        used = 0;
        lastRunClosed = false;
    }

    /** Fills message header {@code slot} for run {@code r}; false when the address cannot be reached from this socket. */
    private boolean header(int r, int slot) {
        long h = (long) slot * MMSGHDR_SIZE;
        long iov = iovBase + (long) slot * IOVEC_SIZE;
        long name = nameBase + slot * 32L;
        long cmsg = cmsgBase + (long) slot * CMSG_SPACE_U16;
        int nameLen = sockaddr(runTo[r]);
        if (nameLen == 0) {
            return false;
        }
        meta.put((int) name, cachedName, 0, nameLen);
        meta.putLong((int) iov, dataAddress + runStart[r]).putLong((int) iov + 8, runBytes[r]);
        meta.putLong((int) h + MSG_NAME, metaAddress + name).putInt((int) h + MSG_NAMELEN, nameLen)
                .putLong((int) h + MSG_IOV, metaAddress + iov).putLong((int) h + MSG_IOVLEN, 1)
                .putInt((int) h + MSG_FLAGS, 0);
        if (runSegments[r] > 1) {
            meta.putLong((int) cmsg, CMSG_LEN_U16).putInt((int) cmsg + 8, SOL_UDP).putInt((int) cmsg + 12, UDP_SEGMENT)
                    .putShort((int) cmsg + 16, (short) runSegment[r]);
            meta.putLong((int) h + MSG_CONTROL, metaAddress + cmsg).putLong((int) h + MSG_CONTROLLEN, CMSG_SPACE_U16);
        } else {
            meta.putLong((int) h + MSG_CONTROL, 0).putLong((int) h + MSG_CONTROLLEN, 0);
        }
        return true;
    }

    /** After GSO failed: the runs from header {@code first} on, as single datagrams. */
    private void resendUnsegmented(int first, int count) {
        int[] start = java.util.Arrays.copyOfRange(runStart, first, count);
        int[] bytes = java.util.Arrays.copyOfRange(runBytes, first, count);
        int[] segment = java.util.Arrays.copyOfRange(runSegment, first, count);
        InetSocketAddress[] to = java.util.Arrays.copyOfRange(runTo, first, count);
        ByteBuffer copy = ByteBuffer.allocate(used);
        copy.put(0, data, 0, used);
        clear();
        for (int i = 0; i < start.length; i++) {
            for (int off = 0; off < bytes[i]; off += segment[i]) {
                add(to[i], copy, start[i] + off, Math.min(segment[i], bytes[i] - off));
            }
        }
        send();
    }

    private void awaitRoom() {
        meta.putInt((int) pollBase, fd).putShort((int) pollBase + 4, POLLOUT).putShort((int) pollBase + 6, (short) 0);
        poll(metaAddress + pollBase, 1, POLL_MILLIS);
    }

    /** Encodes {@code to} into {@link #cachedName} for this socket's family; its length, or 0 if unreachable. */
    private int sockaddr(InetSocketAddress to) {
        if (to == cachedTo) {
            return cachedNameLen;
        }
        InetAddress a = to.getAddress();
        if (a == null) {
            return 0;
        }
        byte[] ip = a.getAddress();
        java.util.Arrays.fill(cachedName, (byte) 0);
        int port = to.getPort();
        int len;
        if (ipv6Socket) {
            putShortNative(cachedName, 0, AF_INET6);
            cachedName[2] = (byte) (port >>> 8);
            cachedName[3] = (byte) port;
            if (a instanceof Inet4Address) {
                cachedName[18] = (byte) 0xff; // ::ffff:a.b.c.d, an IPv4 address on a dual-stack socket
                cachedName[19] = (byte) 0xff;
                System.arraycopy(ip, 0, cachedName, 20, 4);
            } else {
                System.arraycopy(ip, 0, cachedName, 8, 16);
                int scope = ((Inet6Address) a).getScopeId();
                cachedName[24] = (byte) scope;
                cachedName[25] = (byte) (scope >>> 8);
                cachedName[26] = (byte) (scope >>> 16);
                cachedName[27] = (byte) (scope >>> 24);
            }
            len = SOCKADDR_SIZE;
        } else {
            if (!(a instanceof Inet4Address)) {
                return 0;
            }
            putShortNative(cachedName, 0, AF_INET);
            cachedName[2] = (byte) (port >>> 8);
            cachedName[3] = (byte) port;
            System.arraycopy(ip, 0, cachedName, 4, 4);
            len = 16;
        }
        cachedTo = to;
        cachedNameLen = len;
        return len;
    }

    private static void putShortNative(byte[] b, int off, int v) {
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            b[off] = (byte) v;
            b[off + 1] = (byte) (v >>> 8);
        } else {
            b[off] = (byte) (v >>> 8);
            b[off + 1] = (byte) v;
        }
    }
}
