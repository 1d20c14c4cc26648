package dev.tsj.tun.linux;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/**
 * The few libc calls a TUN device needs, bound with JNA direct mapping: a native method call
 * costs no more than a JNI call and, with memory passed as {@code long} addresses, allocates
 * nothing. JNA keeps each thread's {@code errno} after every call; read it with
 * {@link #errno()} right after a call that returned -1.
 */
final class LibC {
    static {
        Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private LibC() {}

    static native int open(String path, int flags);

    static native int close(int fd);

    /** {@code ioctl(fd, request, arg)}: {@code arg} is an address or a plain integer, as the request wants. */
    static native int ioctl(int fd, long request, long arg);

    static native long read(int fd, long buf, long count);

    static native long write(int fd, long buf, long count);

    static native long writev(int fd, long iov, int iovcnt);

    static native int poll(long fds, long nfds, int timeoutMillis);

    static native int eventfd(int initval, int flags);

    static native int socket(int domain, int type, int protocol);

    static native String strerror(int errnum);

    static int errno() {
        return Native.getLastError();
    }

    /** The address of a direct buffer's first byte (not of its position). */
    static long address(ByteBuffer direct) {
        return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
    }

    /** "strerror (ENAME)": what an error message shows. */
    static String describe(int errno) {
        String name = Errno.name(errno);
        return strerror(errno) + (name == null ? "" : " (" + name + ")");
    }
}
