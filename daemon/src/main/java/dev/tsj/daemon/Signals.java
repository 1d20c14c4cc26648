package dev.tsj.daemon;

import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/**
 * SIGTERM and SIGINT as a request to stop: the daemon removes what it created and exits
 * 0, as systemd expects, instead of the JVM's default of dying with 143.
 */
public final class Signals {
    private static final Logger LOG = Logger.getLogger(Signals.class.getName());

    private Signals() {}

    /** A latch released by the first TERM or INT. */
    public static CountDownLatch stopRequest() {
        CountDownLatch latch = new CountDownLatch(1);
        for (String name : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), s -> {
                LOG.info("received SIG" + s.getName() + ", shutting down");
                latch.countDown();
            });
        }
        return latch;
    }
}
