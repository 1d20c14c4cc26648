package dev.tsj.tun.netstack;

/**
 * Wire constants of the protocols the stack speaks, under the names their RFCs (and the
 * BSD headers that follow them) give them. Nothing else in the package spells a protocol
 * number, flag bit or option kind as a literal.
 */
final class Spec {
    private Spec() {}

    // IANA protocol numbers (RFC 790 / RFC 8200 "Next Header").
    static final int IPPROTO_HOPOPTS = 0;
    static final int IPPROTO_ICMP = 1;
    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_UDP = 17;
    static final int IPPROTO_ROUTING = 43;
    static final int IPPROTO_FRAGMENT = 44;
    static final int IPPROTO_AH = 51;
    static final int IPPROTO_ICMPV6 = 58;
    static final int IPPROTO_NONE = 59;
    static final int IPPROTO_DSTOPTS = 60;

    // RFC 791 (IPv4).
    static final int IPV4_VERSION = 4;
    static final int IPV4_MIN_HEADER_LEN = 20;
    static final int IPV4_FLAG_DF = 0x4000;
    static final int IPV4_FLAG_MF = 0x2000;
    static final int IPV4_FRAG_OFFSET_MASK = 0x1fff;
    static final int IPV4_DEFAULT_TTL = 64;

    // RFC 8200 (IPv6).
    static final int IPV6_VERSION = 6;
    static final int IPV6_HEADER_LEN = 40;
    static final int IPV6_DEFAULT_HOP_LIMIT = 64;
    static final int IPV6_MIN_MTU = 1280;

    // RFC 9293 (TCP) header and flags.
    static final int TCP_MIN_HEADER_LEN = 20;
    static final int TCP_MAX_HEADER_LEN = 60;
    static final int TH_FIN = 0x01;
    static final int TH_SYN = 0x02;
    static final int TH_RST = 0x04;
    static final int TH_PUSH = 0x08;
    static final int TH_ACK = 0x10;
    static final int TH_URG = 0x20;

    // TCP option kinds: RFC 9293 (EOL, NOP, MSS), RFC 7323 (window scale), RFC 2018 (SACK).
    static final int TCPOPT_EOL = 0;
    static final int TCPOPT_NOP = 1;
    static final int TCPOPT_MAXSEG = 2;
    static final int TCPOLEN_MAXSEG = 4;
    static final int TCPOPT_WINDOW = 3;
    static final int TCPOLEN_WINDOW = 3;
    static final int TCPOPT_SACK_PERMITTED = 4;
    static final int TCPOLEN_SACK_PERMITTED = 2;
    static final int TCPOPT_SACK = 5;
    /** RFC 7323 section 2.3: shift counts above 14 are treated as 14. */
    static final int TCP_MAX_WINSHIFT = 14;
    /** RFC 9293 section 3.7.1: the MSS a sender assumes when the peer sends none. */
    static final int TCP_DEFAULT_MSS_V4 = 536;
    static final int TCP_DEFAULT_MSS_V6 = 1220;
    /** Largest window the 16-bit header field carries unscaled. */
    static final int TCP_MAX_WIN = 0xffff;

    // RFC 768 (UDP).
    static final int UDP_HEADER_LEN = 8;

    // RFC 792 (ICMP) and RFC 4443 (ICMPv6).
    static final int ICMP_ECHOREPLY = 0;
    static final int ICMP_UNREACH = 3;
    static final int ICMP_UNREACH_PORT = 3;
    static final int ICMP_ECHO = 8;
    static final int ICMP_HEADER_LEN = 8;
    static final int ICMP6_DST_UNREACH = 1;
    static final int ICMP6_DST_UNREACH_NOPORT = 4;
    static final int ICMP6_ECHO_REQUEST = 128;
    static final int ICMP6_ECHO_REPLY = 129;

    // RFC 6335: the dynamic (ephemeral) port range.
    static final int EPHEMERAL_PORT_FIRST = 49152;
    static final int EPHEMERAL_PORT_LAST = 65535;
}
