package dev.tsj.tun.netstack;

/**
 * Decides about the first datagram of a new flow that no bound endpoint takes. Runs on
 * the loop; return the flow's handler, or null to drop the datagram.
 */
@FunctionalInterface
public interface UdpAcceptor {
    UdpFlowHandler onNewFlow(UdpFlow flow);
}
