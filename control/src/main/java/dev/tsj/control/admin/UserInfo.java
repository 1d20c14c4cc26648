package dev.tsj.control.admin;

import java.time.Instant;

/** A user as admin commands list it. */
public record UserInfo(long id, String name, Instant created, int nodes) {}
