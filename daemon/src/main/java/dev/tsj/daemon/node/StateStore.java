package dev.tsj.daemon.node;

import java.io.IOException;

/**
 * Where a node keeps its {@link NodeState}: a file (the default), memory (ephemeral
 * nodes), or a Kubernetes Secret. A store never replaces state it could not read.
 */
public interface StateStore {
    /** The stored state, or null when there is none yet. */
    NodeState load() throws IOException;

    /** Replaces the stored state as one atomic step. */
    void save(NodeState state) throws IOException;

    /** Where it lives, for messages. */
    String describe();
}
