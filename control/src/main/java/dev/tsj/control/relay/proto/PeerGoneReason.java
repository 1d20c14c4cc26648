package dev.tsj.control.relay.proto;

/** Why the relay says a peer cannot be reached through it. */
public enum PeerGoneReason {
    /** The peer was connected here and has gone. */
    DISCONNECTED(0),
    /** A packet was sent to a node key that is not connected to this relay. */
    NOT_HERE(1);

    private final int code;

    PeerGoneReason(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The reason for a wire code; unknown codes (from a newer relay) read as NOT_HERE. */
    public static PeerGoneReason of(int code) {
        return code == 0 ? DISCONNECTED : NOT_HERE;
    }
}
