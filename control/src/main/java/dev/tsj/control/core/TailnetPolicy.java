package dev.tsj.control.core;

import dev.tsj.control.policy.Policy;
import dev.tsj.control.policy.PolicyException;
import dev.tsj.control.policy.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** The tailnet's policy: the text as the administrator wrote it, what it means, and when it was set. */
record TailnetPolicy(String text, Policy parsed, Instant updatedAt) {
    /** Tailscale refuses policies over 1 MiB too; it also bounds an admin request. */
    static final int MAX_BYTES = 1 << 20;

    /** Validates {@code text}; the exception's one line says what is wrong and where. */
    static TailnetPolicy parse(String text, Instant at) throws PolicyException {
        int size = text.getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_BYTES) {
            throw new PolicyException(null, "the policy is " + size + " bytes; at most " + MAX_BYTES + " are allowed");
        }
        return new TailnetPolicy(text, PolicyParser.parse(text), at);
    }
}
