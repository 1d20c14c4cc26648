package dev.tsj.control.server;

import dev.tsj.control.api.ApiJson;
import dev.tsj.control.api.ErrorMessage;
import dev.tsj.control.api.KeepAlive;
import dev.tsj.control.core.ControlError;
import dev.tsj.control.core.Core;
import dev.tsj.control.core.MapCursor;
import dev.tsj.control.core.MapEncoder;
import dev.tsj.control.core.MapSubscription;
import dev.tsj.control.core.SessionHandle;
import dev.tsj.control.core.TailnetConfig;
import dev.tsj.control.noise.NoiseChannel;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The sending half of one map session, on its own virtual thread: the full map first,
 * then, each time the core wakes it, one delta with whatever changed since it last looked
 * (so bursts coalesce), never two deltas closer than the configured interval, and a
 * keepalive when it has been quiet for the keepalive interval.
 */
final class ServerMapSession implements SessionHandle {
    private static final byte[] KEEPALIVE = keepAliveJson();

    private final NoiseChannel channel;
    private final Core core;
    private final long keepAliveNanos;
    private final long deltaIntervalNanos;
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private volatile ErrorMessage terminateWith;
    private volatile boolean terminated;
    private volatile boolean closed;
    private volatile Thread writer;
    private MapSubscription sub;

    ServerMapSession(NoiseChannel channel, Core core, TailnetConfig config) {
        this.channel = channel;
        this.core = core;
        this.keepAliveNanos = config.keepAlive().toNanos();
        this.deltaIntervalNanos = config.deltaInterval().toNanos();
    }

    void setWriter(Thread t) {
        writer = t;
    }

    void start(MapSubscription subscription) {
        sub = subscription;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void wake() {
        if (wakePending.compareAndSet(false, true)) {
            LockSupport.unpark(writer);
        }
    }

    @Override
    public void terminate(ErrorMessage why) {
        terminateWith = why;
        terminated = true;
        LockSupport.unpark(writer);
    }

    void close() {
        closed = true;
        LockSupport.unpark(writer);
        try {
            channel.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    void writeLoop() {
        try {
            channel.writeMessage(MapEncoder.full(sub.initial()));
            MapCursor cursor = new MapCursor(sub);
            long lastSend = System.nanoTime();
            long lastDelta = lastSend - deltaIntervalNanos;
            while (!closed) {
                if (terminated) {
                    finish();
                    return;
                }
                if (!wakePending.getAndSet(false)) {
                    long idle = System.nanoTime() - lastSend;
                    if (idle >= keepAliveNanos) {
                        channel.writeMessage(KEEPALIVE);
                        lastSend = System.nanoTime();
                    } else {
                        LockSupport.parkNanos(keepAliveNanos - idle);
                    }
                    continue;
                }
                long wait = lastDelta + deltaIntervalNanos - System.nanoTime();
                while (wait > 0 && !closed && !terminated) {
                    LockSupport.parkNanos(wait);
                    wait = lastDelta + deltaIntervalNanos - System.nanoTime();
                }
                if (closed || terminated) {
                    continue;
                }
                wakePending.set(false);
                MapCursor.Step step = cursor.next();
                if (step.fullMapNeeded()) {
                    if (!resync()) {
                        return;
                    }
                    channel.writeMessage(MapEncoder.full(sub.initial()));
                    cursor.restart();
                } else if (step.message() != null) {
                    channel.writeMessage(step.message());
                } else {
                    continue;
                }
                lastSend = System.nanoTime();
                lastDelta = lastSend;
            }
        } catch (IOException e) {
            // the node went away; the reader notices and unsubscribes
        } finally {
            close();
        }
    }

    private boolean resync() {
        try {
            return core.call((t, a) -> t.resync(sub));
        } catch (ControlError e) {
            return false;
        }
    }

    private void finish() {
        ErrorMessage why = terminateWith;
        if (why != null) {
            try {
                channel.writeMessage(ApiJson.MAPPER.writeValueAsBytes(why));
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static byte[] keepAliveJson() {
        try {
            return ApiJson.MAPPER.writeValueAsBytes(new KeepAlive());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
