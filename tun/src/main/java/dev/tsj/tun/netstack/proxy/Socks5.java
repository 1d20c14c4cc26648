package dev.tsj.tun.netstack.proxy;

/** Wire constants of SOCKS version 5 (RFC 1928) and its username/password method (RFC 1929). */
final class Socks5 {
    private Socks5() {}

    static final int VERSION = 5;

    // Methods (RFC 1928 section 3).
    static final int METHOD_NO_AUTH = 0x00;
    static final int METHOD_USERNAME_PASSWORD = 0x02;
    static final int METHOD_NO_ACCEPTABLE = 0xff;

    // RFC 1929 section 2.
    static final int AUTH_VERSION = 1;
    static final int AUTH_SUCCESS = 0;
    static final int AUTH_FAILURE = 1;

    // Commands (RFC 1928 section 4).
    static final int CMD_CONNECT = 1;
    static final int CMD_BIND = 2;
    static final int CMD_UDP_ASSOCIATE = 3;

    // Address types.
    static final int ATYP_IPV4 = 1;
    static final int ATYP_DOMAINNAME = 3;
    static final int ATYP_IPV6 = 4;

    // Replies (RFC 1928 section 6).
    static final int REP_SUCCEEDED = 0;
    static final int REP_GENERAL_FAILURE = 1;
    static final int REP_NOT_ALLOWED = 2;
    static final int REP_NETWORK_UNREACHABLE = 3;
    static final int REP_HOST_UNREACHABLE = 4;
    static final int REP_CONNECTION_REFUSED = 5;
    static final int REP_TTL_EXPIRED = 6;
    static final int REP_COMMAND_NOT_SUPPORTED = 7;
    static final int REP_ADDRESS_TYPE_NOT_SUPPORTED = 8;
}
