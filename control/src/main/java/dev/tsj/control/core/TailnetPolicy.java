package dev.tsj.control.core;

import dev.tsj.control.policy.Policy;
import dev.tsj.control.policy.PolicyException;
import dev.tsj.control.policy.PolicyParser;
import java.time.Instant;

/** The tailnet's policy: the text as the administrator wrote it, what it means, and when it was set. */
record TailnetPolicy(String text, Policy parsed, Instant updatedAt) {
    /** Validates {@code text}; the exception's one line says what is wrong and where. */
    static TailnetPolicy parse(String text, Instant at) throws PolicyException {
        return new TailnetPolicy(text, PolicyParser.parse(text), at);
    }
}
