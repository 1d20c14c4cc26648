package dev.tsj.control.admin;

/** One subnet route of one node. */
public record RouteInfo(long nodeId, String node, String prefix, boolean advertised, boolean approved,
                        boolean primary) {}
