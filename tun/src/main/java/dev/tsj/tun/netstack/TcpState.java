package dev.tsj.tun.netstack;

/** The connection states of RFC 9293 section 3.3.2 (LISTEN is the stack's listener table). */
public enum TcpState {
    SYN_SENT,
    SYN_RECEIVED,
    ESTABLISHED,
    FIN_WAIT_1,
    FIN_WAIT_2,
    CLOSE_WAIT,
    CLOSING,
    LAST_ACK,
    TIME_WAIT,
    CLOSED;

    /** States in which our data (and FIN) may still be sent or retransmitted. */
    boolean sendsData() {
        return switch (this) {
            case ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1, CLOSING, LAST_ACK -> true;
            default -> false;
        };
    }

    /** States in which the peer's data is still accepted. */
    boolean receivesData() {
        return switch (this) {
            case SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2 -> true;
            default -> false;
        };
    }
}
