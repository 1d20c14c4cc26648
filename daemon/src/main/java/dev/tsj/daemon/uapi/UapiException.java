package dev.tsj.daemon.uapi;

/** A refused UAPI request: the errno the client sees and a line for the log. */
final class UapiException extends Exception {
    private static final long serialVersionUID = 1L;
    /** Linux errno values the protocol reports (negated on the wire, as wireguard-go does). */
    static final int EPERM = 1;
    static final int EIO = 5;
    static final int EINVAL = 22;
    static final int EPROTO = 71;
    static final int EADDRINUSE = 98;

    final int errno;

    UapiException(int errno, String message) {
        super(message);
        this.errno = errno;
    }
}
