package dev.tsj.cli.containerboot;

import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT for containerboot, taken over from the daemon once it runs: the
 * first one releases {@link #requested()}, containerboot does what must happen while
 * the daemon still runs (an ephemeral node's logout, its own nftables rules), then
 * {@link #forwardToDaemon()} hands the signal to the daemon's handler, which stops it
 * cleanly (routes, interface, sockets).
 */
final class StopSignals {
    private static final Logger LOG = Logger.getLogger(StopSignals.class.getName());
    private static final String[] NAMES = {"TERM", "INT"};

    private final CountDownLatch requested = new CountDownLatch(1);
    private final SignalHandler[] daemonHandlers = new SignalHandler[NAMES.length];
    private volatile Signal received;

    /** Installs containerboot's handlers, keeping those they replace (the daemon's). */
    static StopSignals takeOver() {
        StopSignals s = new StopSignals();
        for (int i = 0; i < NAMES.length; i++) {
            s.daemonHandlers[i] = Signal.handle(new Signal(NAMES[i]), sig -> {
                LOG.info("containerboot received SIG" + sig.getName());
                s.received = sig;
                s.requested.countDown();
            });
        }
        return s;
    }

    CountDownLatch requested() {
        return requested;
    }

    /**
     * Passes the signal (SIGTERM when containerboot stops for another reason) to the
     * daemon's handler. A daemon without one would be stopped by the JVM's exit.
     */
    void forwardToDaemon() {
        Signal sig = received != null ? received : new Signal("TERM");
        int i = sig.getName().equals("INT") ? 1 : 0;
        SignalHandler h = daemonHandlers[i];
        if (h != null && h != SignalHandler.SIG_DFL && h != SignalHandler.SIG_IGN) {
            h.handle(sig);
        }
    }
}
