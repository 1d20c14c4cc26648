package dev.tsj.tun.netstack;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A bare Linux TUN device for the kernel interop test: opened with IFF_TUN|IFF_NO_PI
 * (plain IP packets, no offloads), read with poll so that closing never hangs.
 */
final class TestTun implements AutoCloseable {
    private static final int O_RDWR = 2;
    private static final long TUNSETIFF = 0x400454caL;
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_NO_PI = 0x1000;
    private static final short POLLIN = 0x0001;
    private static final int IFNAMSIZ = 16;

    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int open(String path, int flags);

        int ioctl(int fd, long request, Pointer arg);

        long read(int fd, Pointer buf, long count);

        long write(int fd, Pointer buf, long count);

        int poll(Pointer fds, long nfds, int timeout);

        int close(int fd);
    }

    final String name;
    private final int fd;
    private final Memory pollfd = new Memory(8);
    private volatile boolean closed;

    TestTun(String name) throws IOException {
        this.name = name;
        fd = LibC.INSTANCE.open("/dev/net/tun", O_RDWR);
        if (fd < 0) throw new IOException("cannot open /dev/net/tun (errno " + Native.getLastError() + ")");
        Memory ifr = new Memory(40);
        ifr.clear();
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        ifr.write(0, n, 0, Math.min(n.length, IFNAMSIZ - 1));
        ifr.setShort(IFNAMSIZ, (short) (IFF_TUN | IFF_NO_PI));
        if (LibC.INSTANCE.ioctl(fd, TUNSETIFF, ifr) < 0) {
            int errno = Native.getLastError();
            LibC.INSTANCE.close(fd);
            throw new IOException("TUNSETIFF " + name + " failed (errno " + errno + ")");
        }
    }

    /** Reads one packet into {@code buf}; returns its length, 0 after 100 ms without one, -1 once closed. */
    int read(Memory buf) throws IOException {
        if (closed) return -1;
        pollfd.setInt(0, fd);
        pollfd.setShort(4, POLLIN);
        pollfd.setShort(6, (short) 0);
        int r = LibC.INSTANCE.poll(pollfd, 1, 100);
        if (closed) return -1;
        if (r <= 0) return 0;
        long n = LibC.INSTANCE.read(fd, buf, buf.size());
        if (n < 0) {
            if (closed) return -1;
            throw new IOException("tun read failed (errno " + Native.getLastError() + ")");
        }
        return (int) n;
    }

    void write(Memory buf, int length) throws IOException {
        if (closed) return;
        if (LibC.INSTANCE.write(fd, buf, length) < 0) throw new IOException("tun write failed (errno " + Native.getLastError() + ")");
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.INSTANCE.close(fd);
        }
    }
}
