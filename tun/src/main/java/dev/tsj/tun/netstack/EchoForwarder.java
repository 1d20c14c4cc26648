package dev.tsj.tun.netstack;

/**
 * Answers ICMP echo requests addressed to routed destinations (a subnet router's LAN
 * hosts). Runs on the loop: hand the probe to another thread and call
 * {@link EchoReply#send()} from there only if the real host answered.
 */
@FunctionalInterface
public interface EchoForwarder {
    void onEchoRequest(IpAddress source, IpAddress target, EchoReply reply);
}
