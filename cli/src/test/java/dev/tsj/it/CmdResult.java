package dev.tsj.it;

import java.util.List;

/** How a finished command ended: its exit code and its stdout and stderr together. */
public record CmdResult(List<String> command, int exitCode, String output) {
    public boolean ok() {
        return exitCode == 0;
    }

    /** This result, or an AssertionError naming the command and showing what it said. */
    public CmdResult check() {
        if (!ok()) {
            throw new AssertionError(describe());
        }
        return this;
    }

    public String describe() {
        return "`" + String.join(" ", command) + "` exited " + exitCode + (output.isBlank() ? "" : ":\n" + output.strip());
    }
}
