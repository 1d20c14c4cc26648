package dev.tsj.tun.netstack;

/**
 * Decides about an incoming SYN. Called on the loop; it may answer at once or later from
 * any thread through the request (a forwarder dials the real destination first and
 * completes the handshake only if that works, as Tailscale's netstack does).
 */
@FunctionalInterface
public interface TcpAcceptor {
    void onSyn(TcpAcceptRequest request);
}
