package dev.tsj.control.core;

/**
 * One version of one node as the map shows it, already serialised: built once per change
 * and shared by every session that sends it, so a change costs one serialisation however
 * many sessions carry it.
 */
public record PeerView(long nodeId, byte[] json) {}
