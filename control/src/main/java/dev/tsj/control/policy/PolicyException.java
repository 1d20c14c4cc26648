package dev.tsj.control.policy;

/**
 * A policy the control plane refuses. The message is one line meant for the administrator:
 * {@code policy: line 12, column 5: expected ',' or '}'}.
 */
public final class PolicyException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient SourcePosition position;

    public PolicyException(SourcePosition position, String problem) {
        super("policy: " + (position == null ? "" : position + ": ") + problem, null, false, false);
        this.position = position;
    }

    /** Where the problem is, or null when it concerns the policy as a whole. */
    public SourcePosition position() {
        return position;
    }
}
