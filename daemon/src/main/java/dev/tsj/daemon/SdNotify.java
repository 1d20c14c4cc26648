package dev.tsj.daemon;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

/**
 * systemd's readiness protocol (sd_notify): a datagram "READY=1" to the unix socket named
 * by NOTIFY_SOCKET, so a {@code Type=notify} unit is "started" only once the daemon
 * really serves. The JDK cannot send unix datagrams, hence the three libc calls.
 */
public final class SdNotify {
    private static final Logger LOG = Logger.getLogger(SdNotify.class.getName());
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SUN_PATH_MAX = 108;

    private SdNotify() {}

    private static final class LibC {
        static {
            Native.register("c");
        }

        static native int socket(int domain, int type, int protocol);

        static native long sendto(int fd, Pointer buf, long len, int flags, Pointer addr, int addrlen);

        static native int close(int fd);
    }

    /** Sends {@code state} (e.g. "READY=1") if run under systemd; does nothing otherwise. */
    public static void notify(String state) {
        String socket = System.getenv("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return;
        }
        byte[] path = socket.getBytes(StandardCharsets.UTF_8);
        if (path.length >= SUN_PATH_MAX) {
            LOG.warning("NOTIFY_SOCKET path too long");
            return;
        }
        if (path[0] == '@') {
            path[0] = 0; // abstract namespace
        }
        Memory addr = new Memory(2 + SUN_PATH_MAX);
        addr.clear();
        addr.setShort(0, (short) AF_UNIX);
        addr.write(2, path, 0, path.length);
        byte[] msg = state.getBytes(StandardCharsets.UTF_8);
        Memory buf = new Memory(msg.length);
        buf.write(0, msg, 0, msg.length);
        int fd = LibC.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            LOG.warning("sd_notify: cannot create a socket");
            return;
        }
        try {
            if (LibC.sendto(fd, buf, msg.length, 0, addr, 2 + path.length) < 0) {
                LOG.warning("sd_notify: sending to " + socket + " failed");
            }
        } finally {
            LibC.close(fd);
        }
    }
}
