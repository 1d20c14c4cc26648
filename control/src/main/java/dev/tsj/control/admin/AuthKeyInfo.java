package dev.tsj.control.admin;

import java.time.Instant;
import java.util.List;

/**
 * An auth key as admin commands list it: its id (never its secret) and whether it can
 * still register a node ({@code state}: usable, used, expired).
 */
public record AuthKeyInfo(String id, String user, boolean reusable, boolean ephemeral, boolean preauthorized,
                          List<String> tags, Instant created, Instant expires, int uses, String state) {}
