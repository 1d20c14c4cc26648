package dev.tsj.control.store;

import java.time.Instant;

/** The tailnet's policy as its administrator wrote it (comments and all), and when it was set. */
public record PolicyRow(String text, Instant updatedAt) {}
