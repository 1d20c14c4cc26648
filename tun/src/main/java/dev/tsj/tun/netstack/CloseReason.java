package dev.tsj.tun.netstack;

/** Why a connection ended, as {@link TcpHandler#onClosed} reports it. */
public enum CloseReason {
    /** Both sides sent FIN and everything was acknowledged. */
    NORMAL("closed"),
    /** The peer answered our SYN with RST. */
    REFUSED("connection refused"),
    /** The peer sent RST on an established connection. */
    RESET("connection reset by peer"),
    /** Retransmissions (or the SYN) went unanswered for too long. */
    TIMEOUT("connection timed out"),
    /** Keepalive probes went unanswered. */
    KEEPALIVE_TIMEOUT("keepalive timed out"),
    /** No traffic for the configured idle timeout. */
    IDLE_TIMEOUT("idle timeout"),
    /** The local side aborted (RST). */
    ABORTED("connection aborted"),
    /** The acceptor refused or did not decide in time. */
    REJECTED("connection rejected"),
    /** The stack was shut down. */
    STACK_CLOSED("network stack closed");

    private final String message;

    CloseReason(String message) {
        this.message = message;
    }

    public String message() {
        return message;
    }
}
