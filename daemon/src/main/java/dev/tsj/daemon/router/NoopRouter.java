package dev.tsj.daemon.router;

import java.util.List;

/** Changes nothing anywhere: for tests of the node that need no host side. */
public final class NoopRouter implements Router {
    @Override
    public void apply(Config config) {}

    @Override
    public List<String> problems() {
        return List.of();
    }

    @Override
    public void close() {}
}
