package dev.tsj.tun.linux;

/**
 * Constants of the Linux TUN and socket ABI on x86-64/aarch64 (include/uapi/linux/if_tun.h,
 * if.h, sockios.h, fcntl.h, poll.h, eventfd.h), under their C names.
 */
final class TunAbi {
    private TunAbi() {}

    static final String CLONE_DEVICE = "/dev/net/tun";

    // open(2) and eventfd(2) flags.
    static final int O_RDWR = 0x2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int EFD_NONBLOCK = O_NONBLOCK;
    static final int EFD_CLOEXEC = O_CLOEXEC;

    // socket(2), for the interface ioctls.
    static final int AF_INET = 2;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = O_CLOEXEC;

    // ioctl requests: _IOW('T', 202, int) and friends.
    static final long TUNSETIFF = 0x400454caL;
    static final long TUNSETOFFLOAD = 0x400454d0L;
    static final long TUNGETIFF = 0x800454d2L;
    static final long SIOCGIFMTU = 0x8921L;
    static final long SIOCSIFMTU = 0x8922L;

    // struct ifreq: a 16-byte name, then a union whose first member we use (flags or mtu).
    static final int IFNAMSIZ = 16;
    static final int IFREQ_SIZE = 40;
    static final int IFREQ_UNION = 16;

    // TUNSETIFF flags.
    static final int IFF_TUN = 0x0001;
    static final int IFF_NO_PI = 0x1000;
    static final int IFF_VNET_HDR = 0x4000;

    // TUNSETOFFLOAD flags.
    static final int TUN_F_CSUM = 0x01;
    static final int TUN_F_TSO4 = 0x02;
    static final int TUN_F_TSO6 = 0x04;
    static final int TUN_F_TSO_ECN = 0x08;
    static final int TUN_F_USO4 = 0x20;
    static final int TUN_F_USO6 = 0x40;

    // poll(2): struct pollfd { int fd; short events; short revents; }.
    static final int POLLFD_SIZE = 8;
    static final int POLLFD_EVENTS = 4;
    static final int POLLFD_REVENTS = 6;
    static final short POLLIN = 0x1;

    // struct iovec { void *iov_base; size_t iov_len; }.
    static final int IOVEC_SIZE = 16;
}
