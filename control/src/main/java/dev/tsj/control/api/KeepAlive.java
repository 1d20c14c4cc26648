package dev.tsj.control.api;

/** Sent by both ends of a map session when they have had nothing else to say for a while. */
public record KeepAlive() implements Message {}
