package dev.tsj.control.policy;

/** A place in the policy text, 1-based, counted in characters; a tab counts as one column. */
public record SourcePosition(int line, int column) {

    @Override
    public String toString() {
        return "line " + line + ", column " + column;
    }
}
