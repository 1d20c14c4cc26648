package dev.tsj.control.store;

import java.time.Instant;

/** A user: owner of nodes and of the auth keys that register them. */
public record UserRow(long id, String name, Instant createdAt) {}
