package dev.tsj.control.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tsj.control.api.ApiJson;
import dev.tsj.control.api.ErrorMessage;
import dev.tsj.control.api.KeepAlive;
import dev.tsj.control.api.MapRequest;
import dev.tsj.control.api.MapResponse;
import dev.tsj.control.api.MapUpdate;
import dev.tsj.control.api.Message;
import dev.tsj.control.api.NetMap;
import dev.tsj.control.noise.NoiseChannel;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A node's long-lived map session. It delivers a complete {@link NetMap} to the listener
 * after the full map and after every delta, pushes the node's updates, sends keepalives,
 * notices a dead server (no word for 2.5 keepalive intervals) and reconnects with
 * exponential backoff, sending the latest state of the node again. It stops when closed,
 * or when the server says the node must log in again ({@link State#NEEDS_LOGIN}); the
 * daemon keeps forwarding with its last map meanwhile.
 */
public final class MapSession implements AutoCloseable {
    public enum State { CONNECTING, CONNECTED, RECONNECTING, NEEDS_LOGIN, CLOSED }

    /** Called on the session's own thread, one call at a time, in order. */
    public interface Listener {
        void onNetMap(NetMap map);

        /** {@code detail}: why (the server's message for NEEDS_LOGIN, the error for RECONNECTING). */
        default void onStateChange(State state, String detail) {}
    }

    private static final Duration FIRST_MAP_TIMEOUT = Duration.ofSeconds(30);

    private final ControlClient client;
    private final Listener listener;
    private final ClientOptions options;
    private final Consumer<MapSession> onClosed;
    private final LinkedBlockingQueue<MapUpdate> outbox = new LinkedBlockingQueue<>();
    private volatile MapRequest request;
    private volatile NoiseChannel channel;
    private volatile State state = State.CONNECTING;
    private volatile String detail = "";
    private volatile NetMap current;
    private volatile boolean closed;
    private volatile Thread runner;

    MapSession(ControlClient client, MapRequest request, Listener listener, ClientOptions options,
               Consumer<MapSession> onClosed) {
        this.client = client;
        this.request = request;
        this.listener = listener;
        this.options = options;
        this.onClosed = onClosed;
    }

    void start() {
        runner = Thread.ofVirtual().name("map-session").start(this::run);
    }

    /** The latest complete map, or null before the first one arrived. */
    public NetMap current() {
        return current;
    }

    public State state() {
        return state;
    }

    /** Why the session is in its state (empty when connected). */
    public String detail() {
        return detail;
    }

    /**
     * Pushes a change of this node (endpoints, hostinfo, disco key) to the server; sent at
     * once when connected, and part of the request on every reconnect.
     */
    public void update(MapUpdate u) {
        request = request.apply(u);
        outbox.offer(u);
    }

    private void run() {
        long backoff = options.minBackoff().toNanos();
        boolean first = true;
        while (!closed) {
            setState(first ? State.CONNECTING : State.RECONNECTING, detail);
            first = false;
            try {
                if (connectAndServe()) {
                    backoff = options.minBackoff().toNanos();
                }
            } catch (ControlException e) {
                if (e.needsLogin()) {
                    setState(State.NEEDS_LOGIN, e.getMessage());
                    closed = true;
                    break;
                }
                detail = e.getMessage();
            }
            if (closed) {
                break;
            }
            setState(State.RECONNECTING, detail);
            long jittered = (long) (backoff * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
            long until = System.nanoTime() + jittered;
            while (!closed && System.nanoTime() < until) {
                LockSupport.parkNanos(until - System.nanoTime());
            }
            backoff = Math.min(backoff * 2, options.maxBackoff().toNanos());
        }
        if (state != State.NEEDS_LOGIN) {
            setState(State.CLOSED, "");
        }
        onClosed.accept(this);
    }

    /** One connection's life; true if it got as far as a full map. */
    private boolean connectAndServe() throws ControlException {
        NoiseChannel ch = client.openChannel();
        channel = ch;
        Thread writer = null;
        boolean gotMap = false;
        try {
            if (closed) {
                return false;
            }
            outbox.clear();
            ch.writeMessage(ApiJson.MAPPER.writeValueAsBytes(request));
            ch.setReadTimeout((int) FIRST_MAP_TIMEOUT.toMillis());
            NetMapBuilder builder = new NetMapBuilder();
            while (!closed) {
                Message m = ApiJson.MAPPER.readValue(ch.readMessage(ControlClient.MAX_SERVER_MESSAGE), Message.class);
                switch (m) {
                    case MapResponse r -> {
                        if (r.full() && writer == null) {
                            Duration keepAlive = Duration.ofSeconds(r.keepAliveSeconds() == null ? 60
                                    : Math.max(1, r.keepAliveSeconds()));
                            ch.setReadTimeout((int) keepAlive.multipliedBy(5).dividedBy(2).toMillis());
                            writer = Thread.ofVirtual().name("map-session-writer").start(() -> writeLoop(ch, keepAlive));
                            gotMap = true;
                            detail = "";
                            setState(State.CONNECTED, "");
                        }
                        NetMap map = builder.apply(r);
                        if (map != null) {
                            current = map;
                            deliver(map);
                        }
                    }
                    case ErrorMessage e -> {
                        ControlException ce = ControlException.from(e);
                        if (ce.needsLogin()) {
                            throw ce;
                        }
                        detail = e.message();
                    }
                    case KeepAlive k -> { }
                    default -> { }
                }
            }
        } catch (SocketTimeoutException e) {
            detail = "control server silent for too long";
        } catch (JsonProcessingException e) {
            detail = "malformed message from control server: " + ApiJson.describe(e);
        } catch (IOException e) {
            detail = closed ? "" : "lost the control server: " + e.getMessage();
        } finally {
            closeChannel(ch);
            if (writer != null) {
                writer.interrupt();
            }
        }
        return gotMap;
    }

    private void writeLoop(NoiseChannel ch, Duration keepAlive) {
        try {
            byte[] ka = ApiJson.MAPPER.writeValueAsBytes(new KeepAlive());
            while (!closed && !ch.isClosed()) {
                MapUpdate u = outbox.poll(keepAlive.toMillis(), TimeUnit.MILLISECONDS);
                ch.writeMessage(u == null ? ka : ApiJson.MAPPER.writeValueAsBytes(u));
            }
        } catch (InterruptedException | IOException e) {
            // the connection ended; the reader reconnects
        } finally {
            closeChannel(ch);
        }
    }

    private void deliver(NetMap map) {
        try {
            listener.onNetMap(map);
        } catch (RuntimeException e) {
            detail = "listener failed: " + e;
        }
    }

    private void setState(State s, String why) {
        if (state == s && (why == null || why.equals(detail))) {
            return;
        }
        state = s;
        try {
            listener.onStateChange(s, why == null ? "" : why);
        } catch (RuntimeException ignored) {
            // the listener's problem
        }
    }

    private static void closeChannel(NoiseChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Ends the session for good. */
    @Override
    public void close() {
        closed = true;
        NoiseChannel ch = channel;
        if (ch != null) {
            closeChannel(ch);
        }
        Thread r = runner;
        if (r != null) {
            LockSupport.unpark(r);
        }
    }
}
