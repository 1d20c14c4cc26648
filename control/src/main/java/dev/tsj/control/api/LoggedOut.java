package dev.tsj.control.api;

/** The answer to a logout. */
public record LoggedOut() implements Message {}
