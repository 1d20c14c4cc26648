package dev.tsj.daemon.wg;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/**
 * The libc calls the send path makes on the UDP socket it shares with Netty, bound with
 * JNA direct mapping: memory goes as {@code long} addresses, so a call allocates nothing.
 * Read {@link #errno()} right after a call that returned -1. Linux x86-64 and arm64 ABI.
 */
final class SocketCalls {
    static final int SOL_SOCKET = 1;
    static final int SO_DOMAIN = 39;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOL_UDP = 17;
    static final int UDP_SEGMENT = 103;
    static final short POLLOUT = 0x4;
    static final int MSG_DONTWAIT = 0x40;

    static final int EINTR = 4;
    static final int EIO = 5;
    static final int EAGAIN = 11;
    static final int EINVAL = 22;
    static final int ENOBUFS = 105;

    /** struct mmsghdr: a msghdr (56 bytes) and the length sent, padded to 64. */
    static final int MMSGHDR_SIZE = 64;
    static final int MSG_NAME = 0;
    static final int MSG_NAMELEN = 8;
    static final int MSG_IOV = 16;
    static final int MSG_IOVLEN = 24;
    static final int MSG_CONTROL = 32;
    static final int MSG_CONTROLLEN = 40;
    static final int MSG_FLAGS = 48;
    static final int IOVEC_SIZE = 16;
    /** struct sockaddr_in6, which also holds a sockaddr_in. */
    static final int SOCKADDR_SIZE = 28;
    /** One cmsghdr (16 bytes) with a u16 of data: CMSG_SPACE(2) and CMSG_LEN(2). */
    static final int CMSG_SPACE_U16 = 24;
    static final int CMSG_LEN_U16 = 18;

    private static final boolean LOADED;

    static {
        boolean ok;
        try {
            Native.register(SocketCalls.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
            ok = Platform.isLinux() && Platform.is64Bit();
        } catch (LinkageError e) {
            ok = false;
        }
        LOADED = ok;
    }

    private SocketCalls() {}

    static boolean available() {
        return LOADED;
    }

    static native int sendmmsg(int fd, long msgvec, int vlen, int flags);

    static native int poll(long fds, long nfds, int timeoutMillis);

    static native int getsockopt(int fd, int level, int name, long optval, long optlen);

    static native String strerror(int errnum);

    static int errno() {
        return Native.getLastError();
    }

    static long address(ByteBuffer direct) {
        return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
    }
}
