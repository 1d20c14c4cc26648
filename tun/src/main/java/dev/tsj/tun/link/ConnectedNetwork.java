package dev.tsj.tun.link;

/** A network the host reaches directly: an interface address's prefix, host bits cleared. */
public record ConnectedNetwork(String device, IpPrefix network) {}
