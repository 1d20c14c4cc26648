package dev.tsj.daemon.router;

import java.util.List;

/** Userspace networking: the host's routing is not ours to touch. */
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
