package dev.tsj.control.admin;

import java.time.Instant;
import java.util.List;

/**
 * The tailnet's policy as the admin commands show it.
 *
 * @param text         the policy as written (comments and all), or null when none was ever set
 * @param updatedAt    when it was set (null without one)
 * @param rules        how many acls entries it has
 * @param autoApproved routes its autoApprovers approved when it was set ({@code node prefix})
 */
public record PolicyInfo(String text, Instant updatedAt, int rules, List<String> autoApproved) {
    public PolicyInfo {
        autoApproved = autoApproved == null ? List.of() : List.copyOf(autoApproved);
    }
}
