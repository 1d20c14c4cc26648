package dev.tsj.daemon.node;

/** State that lives as long as the process: for ephemeral nodes ({@code --state=mem:}). */
public final class MemoryStateStore implements StateStore {
    private volatile NodeState state;

    @Override
    public NodeState load() {
        return state;
    }

    @Override
    public void save(NodeState s) {
        state = s;
    }

    @Override
    public String describe() {
        return "mem:";
    }
}
