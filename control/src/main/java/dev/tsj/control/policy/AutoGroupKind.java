package dev.tsj.control.policy;

import java.util.Arrays;
import java.util.Optional;

/** The {@code autogroup:} names tsj understands, under the names Tailscale's policy syntax uses. */
public enum AutoGroupKind {
    /** Every untagged node, i.e. every node owned by a user of the tailnet. */
    MEMBER("autogroup:member"),
    /** Every tagged node. */
    TAGGED("autogroup:tagged"),
    /** As a destination only: the nodes of the same user as the source. */
    SELF("autogroup:self"),
    /** As a destination only: the public internet, reached through exit nodes. */
    INTERNET("autogroup:internet");

    private final String policyName;

    AutoGroupKind(String policyName) {
        this.policyName = policyName;
    }

    public String policyName() {
        return policyName;
    }

    public static Optional<AutoGroupKind> byPolicyName(String name) {
        return Arrays.stream(values()).filter(k -> k.policyName.equals(name)).findFirst();
    }
}
