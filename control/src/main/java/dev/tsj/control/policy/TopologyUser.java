package dev.tsj.control.policy;

import java.util.Locale;

/** A user of the tailnet as the coordination server stores it. */
public record TopologyUser(long id, String name, String email) {

    /**
     * Whether a policy login names this user: the email (case-insensitive, as logins are), or
     * {@code name@} for a user without an email domain, as headscale writes them.
     */
    public boolean hasLogin(String login) {
        return (email != null && email.toLowerCase(Locale.ROOT).equals(login.toLowerCase(Locale.ROOT)))
                || login.equals(name + "@");
    }
}
